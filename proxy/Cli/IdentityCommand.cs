using System.CommandLine;
using System.Net;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Identity;
using FilterProxy.Identity.Accounts;
using FilterProxy.Identity.Directory;

namespace FilterProxy.Cli;

/// <summary>
/// <c>identity hash-password</c> (reads the password from standard input, prints the hash for identity.accounts),
/// <c>identity check [--client IP]</c> (reads every device, lease and people file the configuration names, prints what
/// it found and every line it refused; with --client, who that address is as far as devices and leases say).
/// </summary>
internal static class IdentityCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var hash = new Command("hash-password", "Print the hash of a password (read from standard input) for identity.accounts");
        hash.SetAction(async (parse, ct) =>
        {
            string? password = await Console.In.ReadLineAsync(ct);
            if (string.IsNullOrEmpty(password))
            {
                await error.WriteLineAsync("identity hash-password: give the password on standard input (e.g. printf %s 'pass' | filterproxy identity hash-password)");
                return 2;
            }

            await output.WriteLineAsync(PasswordHasher.Hash(password));
            return 0;
        });

        var client = new Option<string?>("--client") { Description = "Show who this IP address is (devices and leases; sessions live in the running gateway)" };
        var check = new Command("check", "Read the identity files (leases, people) and report what they hold and every line refused") { client };
        check.SetAction(async (parse, ct) =>
        {
            CompiledConfig? config = await PolicyArguments.CompileOrReportAsync(parse.GetValue(CommandLine.ConfigOption), error);
            if (config is null)
            {
                return 2;
            }

            IdentitySettings s = config.Identity;
            var strictness = config.Profiles.ToDictionary(p => p.Name, p => p.Strictness, StringComparer.OrdinalIgnoreCase);
            IdentityDirectory directory = IdentityDirectory.Load(s, name => strictness.GetValueOrDefault(name, double.MaxValue), DateTimeOffset.UtcNow);
            await output.WriteLineAsync($"devices: {s.Devices.Count}; leases: {directory.LeaseCount} from {s.Leases.Count} file(s); people: {directory.PeopleCount} from {s.PeopleFiles.Count} file(s)");
            await output.WriteLineAsync($"directory (LDAP): {(s.Ldap is null ? "not configured" : s.Ldap.Url.ToString())}; local accounts: {s.Accounts.Count}; sign-in rules: {s.SignIn.Count}");
            foreach (string problem in directory.Problems)
            {
                await output.WriteLineAsync("refused: " + problem);
            }

            if (parse.GetValue(client) is { } text)
            {
                if (!IPAddress.TryParse(text, out IPAddress? address))
                {
                    await error.WriteLineAsync($"identity check: '{text}' is not an IP address");
                    return 2;
                }

                Device? device = directory.DeviceAt(address, DateTimeOffset.UtcNow, out IdentitySource source);
                Person? owner = device?.Owner is { } o ? directory.FindPerson(o) ?? new Person { UserName = o } : null;
                string? profile = owner is null ? null : s.ProfileOf(owner, name => strictness.GetValueOrDefault(name, double.MaxValue));
                await output.WriteLineAsync(device is null
                    ? $"{address}: unknown (no registered device, no active lease)"
                    : $"{address}: device {device.Label} ({IdentitySources.Name(source)}), owner {owner?.UserName ?? "none"}, profile {device.Profile ?? profile ?? "from the client group"}");
            }

            return directory.Problems.Count == 0 ? 0 : 1;
        });

        return new Command("identity", "Devices, leases, people and sign-in") { hash, check };
    }
}
