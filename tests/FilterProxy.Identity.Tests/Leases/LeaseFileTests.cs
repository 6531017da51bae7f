using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Identity.Leases;

namespace FilterProxy.Identity.Tests.Leases;

public sealed class LeaseFileTests
{
    private static LeaseReadResult Parse(string text, LeaseFormat format) => LeaseFile.Parse(new StringReader(text), format);

    [Fact]
    public void Isc_dhcpd_leases_keep_the_latest_active_block_per_address()
    {
        LeaseReadResult r = Parse("""
            # The format of this file is documented in the dhcpd.leases(5) manual page.
            authoring-byte-order little-endian;
            lease 10.0.0.17 {
              starts 4 2026/11/19 08:00:00;
              ends 4 2026/11/19 09:00:00;
              binding state active;
              hardware ethernet 00:11:22:33:44:55;
              client-hostname "old-name";
            }
            lease 10.0.0.17 {
              starts 4 2026/11/19 09:00:00;
              ends 4 2026/11/19 21:00:00;
              cltt 4 2026/11/19 09:00:00;
              binding state active;
              next binding state free;
              hardware ethernet 00:11:22:33:44:55;
              uid "\001\000\021\"3DU";
              client-hostname "library-17";
            }
            lease 10.0.0.18 {
              ends epoch 1795000000; # 2026-11-18
              binding state active;
              hardware ethernet AA-BB-CC-DD-EE-FF;
            }
            lease 10.0.0.19 {
              ends never;
              binding state active;
              hardware ethernet 00:00:00:00:00:19;
            }
            lease 10.0.0.19 {
              binding state free;
              hardware ethernet 00:00:00:00:00:19;
            }
            failover peer "dhcp" state {
              my state normal at 4 2026/11/19 08:00:00;
            }
            """, LeaseFormat.Isc);

        Assert.Empty(r.Errors);
        Assert.Equal(2, r.Leases.Count);
        Lease l17 = r.Leases.Single(l => l.Address.Equals(IPAddress.Parse("10.0.0.17")));
        Assert.Equal("00:11:22:33:44:55", l17.Mac);
        Assert.Equal("library-17", l17.HostName);
        Assert.Equal(new DateTimeOffset(2026, 11, 19, 21, 0, 0, TimeSpan.Zero), l17.Expires);
        Lease l18 = r.Leases.Single(l => l.Address.Equals(IPAddress.Parse("10.0.0.18")));
        Assert.Equal("aa:bb:cc:dd:ee:ff", l18.Mac);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795000000), l18.Expires);
        Assert.DoesNotContain(r.Leases, l => l.Address.Equals(IPAddress.Parse("10.0.0.19"))); // freed later in the file
    }

    [Fact]
    public void Isc_malformed_blocks_are_reported_by_line_and_the_rest_loads()
    {
        LeaseReadResult r = Parse("""
            lease 10.0.0.300 {
              hardware ethernet 00:11:22:33:44:55;
            }
            lease 10.0.0.2 {
              ends 4 2026/13/45 99:00:00;
              hardware ethernet 00:11:22:33:44:02;
            }
            lease 10.0.0.3 {
              hardware ethernet not-a-mac;
            }
            lease 10.0.0.4 {
              binding state active
              hardware ethernet 00:11:22:33:44:04;
            }
            lease 10.0.0.5 {
              binding state active;
              hardware ethernet 00:11:22:33:44:05;
            }
            lease 10.0.0.6 {
              hardware ethernet 00:11:22:33:44:06;
            """, LeaseFormat.Isc);

        Assert.Equal(["10.0.0.5"], r.Leases.Select(l => l.Address.ToString()));
        Assert.Equal([1, 5, 9, 12, 19], r.Errors.Select(e => e.Line));
        Assert.Contains("not closed", r.Errors[^1].Message);
        Assert.Contains("not-a-mac", r.Errors[2].Message);
    }

    [Fact]
    public void Dnsmasq_leases_parse_v4_and_skip_v6_without_a_mac()
    {
        LeaseReadResult r = Parse("""
            1795000000 00:11:22:33:44:55 192.168.1.20 ipad-7 01:00:11:22:33:44:55
            0 00:11:22:33:44:66 192.168.1.21 * *
            garbage line
            1795000000 zz:11:22:33:44:77 192.168.1.22 x *
            1795000000 00:11:22:33:44:88 192.168.1.999 x *
            duid 00:01:00:01:2a:2b:2c:2d:00:11:22:33:44:55
            1795000000 1234567 2001:db8::20 phone-3 00:01:00:01:aa
            """, LeaseFormat.Dnsmasq);

        Assert.Equal(2, r.Leases.Count);
        Lease ipad = r.Leases.Single(l => l.HostName == "ipad-7");
        Assert.Equal("192.168.1.20", ipad.Address.ToString());
        Assert.Null(r.Leases.Single(l => l.Address.ToString() == "192.168.1.21").Expires); // 0 = infinite
        Assert.Equal([3, 4, 5], r.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Kea_csv_honours_the_header_the_state_and_the_last_row()
    {
        LeaseReadResult r = Parse("""
            address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id
            10.1.0.5,00:11:22:33:44:55,,3600,1795000000,1,0,0,chromebook-5.school.test.,0,,0
            10.1.0.6,00:11:22:33:44:66,,3600,1795000000,1,0,0,,0,,0
            10.1.0.6,00:11:22:33:44:66,,3600,1795000100,1,0,0,,2,,0
            10.1.0.7,00:11:22:33:44:77,,3600,soon,1,0,0,,0,,0
            10.1.0.8,bad-mac,,3600,1795000000,1,0,0,,0,,0
            10.1.0.9,00:11:22
            """, LeaseFormat.Kea);

        Assert.Equal(["10.1.0.5"], r.Leases.Select(l => l.Address.ToString()));
        Assert.Equal("chromebook-5.school.test", r.Leases[0].HostName);
        Assert.Equal([5, 6, 7], r.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Kea_file_without_the_needed_columns_is_refused_with_the_reason()
    {
        LeaseReadResult r = Parse("ip,mac\n10.0.0.1,00:11:22:33:44:55\n", LeaseFormat.Kea);
        Assert.Empty(r.Leases);
        Assert.Contains("address, hwaddr and expire", Assert.Single(r.Errors).Message);
    }

    [Theory]
    [InlineData("00:11:22:33:44:55", "00:11:22:33:44:55")]
    [InlineData("00-11-22-33-44-5A", "00:11:22:33:44:5a")]
    [InlineData("0011.2233.445a", "00:11:22:33:44:5a")]
    [InlineData("001122334455", "00:11:22:33:44:55")]
    public void Mac_addresses_are_normalised(string text, string expected)
    {
        Assert.True(MacAddress.TryNormalise(text, out string mac));
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData("00:11:22:33:44")]
    [InlineData("00:11:22:33:44:55:66")]
    [InlineData("gg:11:22:33:44:55")]
    [InlineData("")]
    public void Bad_mac_addresses_are_refused(string text) => Assert.False(MacAddress.TryNormalise(text, out _));
}
