namespace FilterProxy.Classifier.Tests;

internal static class RepositoryPaths
{
    /// <summary>The checkout's root (where FilterProxy.sln is), found from the test assembly's folder.</summary>
    public static string Root { get; } = Find();

    public static string Corpus => Path.Combine(Root, "classifier", "Corpus");

    private static string Find()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "FilterProxy.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("FilterProxy.sln not found above " + AppContext.BaseDirectory);
    }
}
