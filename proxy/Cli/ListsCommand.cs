using System.CommandLine;
using FilterProxy.Core.Lists;
using Spectre.Console;

namespace FilterProxy.Cli;

/// <summary><c>lists import</c> (download and read every list, with a progress bar) and <c>lists stats</c> (offline).</summary>
internal static class ListsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var lists = new Command("lists", "Import block lists and show how fresh they are.");
        var import = new Command("import", "Download remote lists into the data directory, read every list and report what loaded.");
        import.SetAction((parse, ct) => RunAsync(parse.GetValue(CommandLine.ConfigOption), download: true, output, error, ct));
        var stats = new Command("stats", "Read every list as it is now (no download) and report entries, rejected lines and freshness.");
        stats.SetAction((parse, ct) => RunAsync(parse.GetValue(CommandLine.ConfigOption), download: false, output, error, ct));
        lists.Subcommands.Add(import);
        lists.Subcommands.Add(stats);
        return lists;
    }

    private static async Task<int> RunAsync(string? configPath, bool download, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await PolicyArguments.CompileOrReportAsync(configPath, error) is not { } compiled)
        {
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var builder = new ListCatalogBuilder(compiled.Settings.ListsDirectory, download ? http : null, TimeProvider.System);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        ListCatalog catalog = null!;
        if (console.Profile.Capabilities.Interactive && ReferenceEquals(output, Console.Out))
        {
            await console.Progress().StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("Reading lists", maxValue: 1);
                var progress = new Progress<ListProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = p.BytesDone;
                    task.Description = $"Reading {p.List}";
                });
                catalog = await builder.BuildAsync(compiled.Lists, progress, ct);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            catalog = await builder.BuildAsync(compiled.Lists, null, ct);
        }

        var table = new Table().AddColumns("list", "format", "domains", "urls", "exceptions", "rejected", "last refresh", "status");
        foreach (ListReport r in catalog.Reports)
        {
            table.AddRow(
                Markup.Escape(r.Name), r.Format.ToString().ToLowerInvariant(), r.Domains.ToString("N0"), r.Urls.ToString("N0"), r.Exceptions.ToString("N0"),
                r.Rejected.ToString("N0"), r.LastRefresh?.ToString("yyyy-MM-dd HH:mm 'UTC'") ?? "-",
                Markup.Escape(r.Error ?? "ok"));
        }

        console.Write(table);
        foreach (ListReport r in catalog.Reports.Where(static r => r.Error is not null || r.RejectedSamples.Count > 0 || r.UnmappedCategories.Count > 0))
        {
            if (r.Error is not null)
            {
                await output.WriteLineAsync($"{r.Name}: STALE: {r.Error}");
            }

            foreach (ListLineError e in r.RejectedSamples)
            {
                await output.WriteLineAsync($"{r.Name}: {e}");
            }

            if (r.Rejected > r.RejectedSamples.Count)
            {
                await output.WriteLineAsync($"{r.Name}: … and {r.Rejected - r.RejectedSamples.Count:N0} more rejected lines");
            }

            if (r.UnmappedCategories.Count > 0)
            {
                await output.WriteLineAsync($"{r.Name}: folders not mapped to a category (add them to categoryMap): {string.Join(", ", r.UnmappedCategories)}");
            }
        }

        await output.WriteLineAsync($"{catalog.Domains.Count:N0} domains and {catalog.Urls.Count:N0} URLs in {catalog.Reports.Count} lists ({catalog.MemoryBytes / (1024.0 * 1024):N1} MiB).");
        return catalog.Reports.Any(static r => r.Error is not null) ? 1 : 0;
    }
}
