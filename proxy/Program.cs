using FilterProxy.Cli;

// No arguments: run the gateway. Otherwise a command: check, lists, run (see --help).
return await CommandLine.RunAsync(args);
