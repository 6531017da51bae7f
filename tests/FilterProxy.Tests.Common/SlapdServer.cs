using System.Diagnostics;
using Xunit;

namespace FilterProxy.Tests.Common;

/// <summary>
/// A real OpenLDAP server (Debian's slapd) on 127.0.0.1 and a free port, with a tiny school directory loaded by
/// slapadd before it starts: pupils, staff and groups (see <see cref="Ldif"/>). Stopped by its PID. Fails loudly
/// (never skips) when slapd is not installed: .ci/run installs slapd and ldap-utils.
/// </summary>
public sealed class SlapdServer : IAsyncDisposable
{
    public const string BaseDn = "dc=school,dc=test";
    public const string AdminDn = "cn=admin," + BaseDn;
    public const string AdminPassword = "admin-secret";

    /// <summary>amy (Year 2 group), ben (Year 5, vulnerable group), cat (Year 5), jones (staff); passwords "&lt;name&gt;-pass-1".</summary>
    public const string Ldif = """
        dn: dc=school,dc=test
        objectClass: dcObject
        objectClass: organization
        o: Test School
        dc: school

        dn: ou=people,dc=school,dc=test
        objectClass: organizationalUnit
        ou: people

        dn: ou=groups,dc=school,dc=test
        objectClass: organizationalUnit
        ou: groups

        dn: uid=amy,ou=people,dc=school,dc=test
        objectClass: inetOrgPerson
        uid: amy
        cn: Amy Pupil
        sn: Pupil
        displayName: Amy Pupil
        userPassword: amy-pass-1

        dn: uid=ben,ou=people,dc=school,dc=test
        objectClass: inetOrgPerson
        uid: ben
        cn: Ben Pupil
        sn: Pupil
        displayName: Ben Pupil
        userPassword: ben-pass-1

        dn: uid=jones,ou=people,dc=school,dc=test
        objectClass: inetOrgPerson
        uid: jones
        cn: Mrs Jones
        sn: Jones
        displayName: Mrs Jones
        userPassword: jones-pass-1

        dn: uid=cat,ou=people,dc=school,dc=test
        objectClass: inetOrgPerson
        uid: cat
        cn: Cat Pupil
        sn: Pupil
        userPassword: cat-pass-1

        dn: cn=year2,ou=groups,dc=school,dc=test
        objectClass: groupOfNames
        cn: year2
        member: uid=amy,ou=people,dc=school,dc=test

        dn: cn=year5,ou=groups,dc=school,dc=test
        objectClass: groupOfNames
        cn: year5
        member: uid=ben,ou=people,dc=school,dc=test
        member: uid=cat,ou=people,dc=school,dc=test

        dn: cn=vulnerable,ou=groups,dc=school,dc=test
        objectClass: groupOfNames
        cn: vulnerable
        member: uid=ben,ou=people,dc=school,dc=test

        dn: cn=staff,ou=groups,dc=school,dc=test
        objectClass: groupOfNames
        cn: staff
        member: uid=jones,ou=people,dc=school,dc=test
        """;

    private readonly TempDirectory _dir = new();
    private Process? _process;

    private SlapdServer(int port) => Port = port;

    public int Port { get; }

    public string Url => $"ldap://127.0.0.1:{Port}";

    public static async Task<SlapdServer> StartAsync()
    {
        Assert.True(File.Exists("/usr/sbin/slapd"), "slapd is not installed (apt-get install slapd ldap-utils; .ci/run does this)");
        var server = new SlapdServer(RedisServer.FreePort());
        await server.StartAsync(load: true);
        return server;
    }

    private async Task StartAsync(bool load)
    {
        string db = Path.Combine(_dir.Path, "db");
        Directory.CreateDirectory(db);
        string conf = _dir.File("slapd.conf", $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/nis.schema
            include /etc/ldap/schema/inetorgperson.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {_dir.Path}/slapd.pid
            database mdb
            suffix "{BaseDn}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {db}
            maxsize 10485760
            """);
        if (load)
        {
            string ldif = _dir.File("school.ldif", Ldif.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
            string output = await ExternalTool.RunAsync("/usr/sbin/slapadd", ["-f", conf, "-l", ldif]);
            Assert.True(File.Exists(Path.Combine(db, "data.mdb")), "slapadd did not load the directory: " + output);
        }

        // -d 0: stay in the foreground (so the PID is ours to stop) with no debug output.
        _process = ServerProcess.Start("/usr/sbin/slapd", ["-f", conf, "-h", $"ldap://127.0.0.1:{Port}/", "-d", "0"]);
        await ServerProcess.WaitUntilListeningAsync(_process, Port, "slapd");
    }

    /// <summary>Stops the server (the directory is "down") until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
    }

    public Task RestartAsync() => StartAsync(load: false);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _dir.Dispose();
    }
}
