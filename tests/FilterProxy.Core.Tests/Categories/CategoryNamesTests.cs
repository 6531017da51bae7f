using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Tests.Categories;

public sealed class CategoryNamesTests
{
    [Fact]
    public void NamesOf_ListsTheSetsNamesInIdOrder_OneSharedListPerSet()
    {
        CategorySet set = CategorySet.Of(Category.Gambling, Category.Csam, Category.Proxies);
        IReadOnlyList<string> names = FilterProxy.Core.Categories.Categories.NamesOf(set);
        Assert.Equal(["csam", "gambling", "proxies"], names);
        Assert.Same(names, FilterProxy.Core.Categories.Categories.NamesOf(CategorySet.Of(Category.Proxies, Category.Csam, Category.Gambling)));
        Assert.Equal(["csam", "drugs", "gambling", "proxies"], FilterProxy.Core.Categories.Categories.NamesOf(set.Add(Category.Drugs)));
        Assert.Equal(["csam", "gambling", "proxies"], names); // a shared list is never changed by another set's
        Assert.Empty(FilterProxy.Core.Categories.Categories.NamesOf(CategorySet.Empty));
    }
}
