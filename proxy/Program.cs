using FilterProxy.Cli;

// Socket completions run inline on the socket engine's thread instead of hopping to the thread pool: for a
// proxy, whose work per completion is small and never blocks, this cut CPU per request by about a fifth
// (measured with benchmarks/load/proxy-bench.sh; see docs/ARCHITECTURE.md). Read once, when the first socket
// is made, so it is set before anything else; an explicit setting in the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

// Files this process creates hold personal data: owner-only from the first one.
FilterProxy.Hosting.OwnerOnlyFiles.Apply();

// No arguments: run the gateway. Otherwise a command: check, lists, run (see --help).
return await CommandLine.RunAsync(args);
