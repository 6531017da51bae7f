using FilterProxy.Tests.Common;

namespace FilterProxy.Proxy.Tests.Cli;

/// <summary>The technician checks the identity files before relying on them.</summary>
public sealed class IdentityCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public async Task Check_reports_what_the_files_hold_every_refused_line_and_who_an_address_is()
    {
        _dir.File("dhcpd.leases", """
            lease 10.0.0.17 {
              ends never;
              binding state active;
              hardware ethernet 00:11:22:33:44:17;
            }
            lease 10.0.0.18 {
              hardware ethernet nonsense;
            }
            """);
        _dir.File("people.csv", "username,yearGroup,role\namy,2,pupil\nbob,3,wizard\n");
        string config = _dir.File("filterproxy.json", """
            { "dataDirectory": "data",
              "identity": { "devices": [ { "id": "lib-17", "name": "Library 17", "mac": "00:11:22:33:44:17", "owner": "amy" } ],
                            "leases": [ { "path": "dhcpd.leases", "format": "isc" } ], "people": [ "people.csv" ] } }
            """);

        (int code, string output, _) = await Run("identity", "check", "--config", config, "--client", "10.0.0.17");

        Assert.Equal(1, code); // something was refused
        Assert.Contains("devices: 1; leases: 1 from 1 file(s); people: 1 from 1 file(s)", output, StringComparison.Ordinal);
        Assert.Contains("dhcpd.leases: line 7: 'nonsense' is not a MAC address", output, StringComparison.Ordinal);
        Assert.Contains("people.csv: line 3: 'wizard' is not a role", output, StringComparison.Ordinal);
        Assert.Contains("10.0.0.17: device lib-17 (Library 17) (dhcp), owner amy, profile nursery-ks1", output, StringComparison.Ordinal);

        (int unknownCode, string unknown, _) = await Run("identity", "check", "--config", config, "--client", "10.0.0.99");
        Assert.Contains("10.0.0.99: unknown (no registered device, no active lease)", unknown, StringComparison.Ordinal);
        Assert.Equal(1, unknownCode);
    }

    [Fact]
    public async Task Check_refuses_a_bad_identity_configuration_with_every_error()
    {
        string config = _dir.File("filterproxy.json", """{ "identity": { "leases": [ { "path": "x", "format": "csv" } ], "lockoutFailures": 0 } }""");
        (int code, _, string error) = await Run("identity", "check", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("identity.leases[0].format", error, StringComparison.Ordinal);
        Assert.Contains("identity.lockoutFailures", error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
