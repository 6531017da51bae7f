using FilterProxy.Dns.Wire;

namespace FilterProxy.Proxy.Tests.Dns;

public sealed class DnsQueryParserTests
{
    private static DnsParseStatus Parse(byte[] packet, out DnsQuery q, out string name)
    {
        char[] buffer = new char[DnsLimits.MaxNameChars];
        DnsParseStatus status = DnsQueryParser.Parse(packet, buffer, out q);
        name = new string(buffer, 0, q.NameLength);
        return status;
    }

    [Fact]
    public void Parse_ValidQueryWithEdns()
    {
        Assert.Equal(DnsParseStatus.Ok, Parse(DnsPackets.Query("WWW.Example.com", 28, 0xBEEF, edns: true, dnssecOk: true, udpSize: 4096), out DnsQuery q, out string name));

        Assert.Equal("WWW.Example.com", name); // case kept (0x20 randomisation)
        Assert.Equal(0xBEEF, q.Id);
        Assert.Equal(28, q.QType);
        Assert.True(q.HasEdns);
        Assert.True(q.DnssecOk);
        Assert.Equal(DnsLimits.EdnsUdpSize, q.MaxUdpResponse); // we cap at 1232 whatever the client says
        Assert.True(q.RecursionDesired);
    }

    [Fact]
    public void Parse_EveryTruncationPoint_IsDropOrFormErr_NeverThrows()
    {
        byte[] full = DnsPackets.Query("a.bc.example", 1, edns: true);
        for (int cut = 0; cut < full.Length; cut++)
        {
            DnsParseStatus status = Parse(full[..cut], out _, out _);
            Assert.True(cut < 12 ? status == DnsParseStatus.Drop : status == DnsParseStatus.FormErr, $"cut at {cut}: {status}");
        }

        Assert.Equal(DnsParseStatus.Ok, Parse(full, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x0C }, "a pointer to itself")]
    [InlineData(new byte[] { 0xC0, 0x20 }, "a forward pointer")]
    [InlineData(new byte[] { 0x01, (byte)'a', 0xC0, 0x0C }, "a loop back to the start of the name")]
    [InlineData(new byte[] { 0x41, (byte)'a', 0x00 }, "the obsolete 0x40 label type")]
    [InlineData(new byte[] { 0x81, (byte)'a', 0x00 }, "the reserved 0x80 label type")]
    public void Parse_HostileNames_AreFormErr(byte[] nameBytes, string what)
    {
        byte[] packet = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, .. nameBytes, 0, 1, 0, 1, 0, 0, 0, 0];

        Assert.True(Parse(packet, out _, out _) == DnsParseStatus.FormErr, what);
    }

    [Fact]
    public void Parse_NameLongerThan255_IsFormErr()
    {
        string longName = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)); // 4 × 64 + 1 = 257 bytes
        Assert.Equal(DnsParseStatus.FormErr, Parse(DnsPackets.Query(longName), out _, out _));
        string fits = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61); // 255 bytes
        Assert.Equal(DnsParseStatus.Ok, Parse(DnsPackets.Query(fits), out _, out string name));
        Assert.Equal(fits, name);
    }

    [Fact]
    public void Parse_ResponsesAreDropped_OtherOpcodesAndMultipleQuestionsAreNotImp()
    {
        byte[] response = DnsPackets.Query("example.com");
        response[2] |= 0x80;
        Assert.Equal(DnsParseStatus.Drop, Parse(response, out _, out _));

        byte[] notify = DnsPackets.Query("example.com");
        notify[2] = 0x20; // opcode 4 (NOTIFY)
        Assert.Equal(DnsParseStatus.NotImp, Parse(notify, out _, out _));

        byte[] two = DnsPackets.Query("example.com");
        two[5] = 2;
        Assert.Equal(DnsParseStatus.NotImp, Parse(two, out _, out _));

        byte[] none = DnsPackets.Query("example.com");
        none[5] = 0;
        Assert.Equal(DnsParseStatus.FormErr, Parse(none, out _, out _));
    }

    [Fact]
    public void Parse_TwoOptRecords_IsFormErr()
    {
        byte[] q = DnsPackets.Query("example.com", edns: true);
        byte[] twice = [.. q, 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0];
        twice[11] = 2;

        Assert.Equal(DnsParseStatus.FormErr, Parse(twice, out _, out _));
    }

    [Fact]
    public void Parse_UnusualBytesInLabels_AreFlagged()
    {
        byte[] packet = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'a', (byte)'.', (byte)'b', 3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 1, 0, 1];

        Assert.Equal(DnsParseStatus.Ok, Parse(packet, out DnsQuery q, out string name));
        Assert.True(q.NameIsUnusual);
        Assert.Equal("a?b.com", name);
    }
}
