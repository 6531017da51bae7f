using System.CommandLine;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events;
using FilterProxy.Events.Stores.Redis;

namespace FilterProxy.Cli;

/// <summary><c>policy publish</c>: the central policy for every node sharing this Redis (validated first, audited).</summary>
internal static class PolicyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Option<string>("--file") { Description = "JSON policy (profiles, groups, lists, exceptions…; node-local settings are ignored)", Required = true };
        var actor = new Option<string?>("--actor") { Description = "Who is publishing (default: the login name)" };
        var publish = new Command("publish", "Publish a central policy over Redis; every node with events.sharedPolicy reloads at once.") { file, actor };
        publish.SetAction(async (parse, ct) =>
        {
            string path = parse.GetValue(file)!;
            string json;
            try
            {
                json = await File.ReadAllTextAsync(path, ct);
            }
            catch (IOException ex)
            {
                await error.WriteLineAsync($"cannot read {path}: {ex.Message}");
                return 2;
            }

            if (await StoreArguments.OpenAsync(parse, error) is not { } opened)
            {
                return 2;
            }

            await using IEventStore store = opened.Store;
            if (store is not RedisEventStore redis)
            {
                await error.WriteLineAsync("a shared policy needs events.store = redis in the configuration");
                return 2;
            }

            // Validate exactly as a node will apply it: this node's file with the shared policy over it.
            IReadOnlyDictionary<string, string> environment = PolicyLoader.ProcessEnvironment();
            try
            {
                PolicyCompiler.Compile(ConfigLoader.Load(ConfigLoader.Locate(parse.GetValue(CommandLine.ConfigOption), environment), environment, json));
            }
            catch (ConfigException ex)
            {
                await error.WriteLineAsync(ex.Message);
                await error.WriteLineAsync("not published: fix the policy and try again");
                return 2;
            }

            long version = await SharedPolicySource.PublishAsync(redis, json);
            string who = parse.GetValue(actor) ?? Environment.UserName;
            await store.AppendAuditAsync(new AuditRecord(DateTimeOffset.UtcNow, who, "policy.publish", "shared policy",
                $"version {version}; sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)))}"), ct);
            await output.WriteLineAsync($"published shared policy v{version}");
            return 0;
        });
        var command = new Command("policy", "The central policy of a multi-site installation.");
        command.Subcommands.Add(publish);
        return command;
    }
}
