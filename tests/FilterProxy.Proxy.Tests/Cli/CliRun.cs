using FilterProxy.Cli;

namespace FilterProxy.Proxy.Tests.Cli;

/// <summary>Runs the real command line parser in-process and captures what it wrote.</summary>
internal static class CliRun
{
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
