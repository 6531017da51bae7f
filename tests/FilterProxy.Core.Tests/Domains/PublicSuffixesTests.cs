using FilterProxy.Core.Domains;

namespace FilterProxy.Core.Tests.Domains;

public sealed class PublicSuffixesTests
{
    [Theory]
    [InlineData("com", true)]
    [InlineData("uk", true)]
    [InlineData("co.uk", true)]
    [InlineData("sch.uk", true)]
    [InlineData("github.io", true)]
    [InlineData("*.com", true)]
    [InlineData("com.", true)]
    [InlineData("", true)]
    [InlineData("example.com", false)]
    [InlineData("bbc.co.uk", false)]
    [InlineData("someone.github.io", false)]
    public void IsPublicSuffix(string host, bool expected) => Assert.Equal(expected, PublicSuffixes.IsPublicSuffix(host));
}
