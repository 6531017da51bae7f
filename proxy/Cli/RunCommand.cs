using System.CommandLine;
using FilterProxy.Core.Configuration;
using FilterProxy.Hosting;

namespace FilterProxy.Cli;

internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("run", "Run the gateway (what FilterProxy does with no command).");
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(CommandLine.ConfigOption), output, error, ct));
        return command;
    }

    public static async Task<int> RunAsync(string? configPath, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            await using GatewayApp app = await GatewayApp.StartAsync(configPath, PolicyLoader.ProcessEnvironment(), output, cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        catch (ConfigException ex)
        {
            await error.WriteLineAsync(ex.Message);
            await error.WriteLineAsync("FilterProxy did not start: fix the configuration and start it again.");
            return 2;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync($"FilterProxy could not listen: {ex.Message} Is another server using that port? Change it in the configuration (listen.*, dns.dohPort).");
            return 3;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await error.WriteLineAsync($"FilterProxy could not listen: {ex.Message} ({ex.SocketErrorCode}). Is another server using that port? Change it in the configuration (listen.*).");
            return 3;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }
}
