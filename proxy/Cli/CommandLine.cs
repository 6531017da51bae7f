using System.CommandLine;

namespace FilterProxy.Cli;

/// <summary>
/// The FilterProxy command line: <c>run</c> (the default), <c>check</c>, <c>lists import|stats</c>, <c>health</c>,
/// <c>events query|export</c>, <c>alerts list|acknowledge|resolve|note</c>, <c>audit list|verify</c>, <c>policy publish</c>,
/// <c>identity hash-password|check</c>, <c>classifier …</c>.
/// </summary>
internal static class CommandLine
{
    public static readonly Option<string?> ConfigOption = new("--config", "-c")
    {
        Description = "Configuration file (default: $FILTERPROXY_CONFIG, else ./filterproxy.json if present, else built-in defaults)",
        Recursive = true,
    };

    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = new RootCommand("FilterProxy: web filtering and monitoring gateway for schools.")
        {
            ConfigOption,
        };
        Command run = RunCommand.Create(output, error);
        root.Subcommands.Add(run);
        root.Subcommands.Add(AdminCommand.Create(output, error));
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(ListsCommand.Create(output, error));
        root.Subcommands.Add(HealthCommand.Create(output, error));
        root.Subcommands.Add(EventsCommand.Create(output, error));
        root.Subcommands.Add(AlertsCommand.Create(output, error));
        root.Subcommands.Add(AuditCommand.Create(output, error));
        root.Subcommands.Add(PolicyCommand.Create(output, error));
        root.Subcommands.Add(ClassifierCommand.Create(output, error));
        root.Subcommands.Add(IdentityCommand.Create(output, error));
        root.Subcommands.Add(ClassifyCommands.Classify(output, error));
        root.Subcommands.Add(ClassifyCommands.SearchRisk(output, error));
        root.SetAction((parse, ct) => RunCommand.RunAsync(parse.GetValue(ConfigOption), output, error, ct));
        ParseResult result = root.Parse(args);
        return result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
