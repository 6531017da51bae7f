using System.CommandLine;
using FilterProxy.Admin;
using FilterProxy.Core.Configuration;

namespace FilterProxy.Cli;

/// <summary><c>filterproxy admin</c>: the admin UI on its own, against the gateways' Redis (multi-site).</summary>
internal static class AdminCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("admin", "Run only the admin UI, against the gateways' shared Redis (multi-site; a single gateway hosts the UI itself).");
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using AdminApp app = await AdminApp.StartAsync(parse.GetValue(CommandLine.ConfigOption), PolicyLoader.ProcessEnvironment(), output, cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (ConfigException ex)
            {
                await error.WriteLineAsync(ex.Message);
                await error.WriteLineAsync("The admin UI did not start: fix the configuration and start it again.");
                return 2;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
        });
        return command;
    }
}
