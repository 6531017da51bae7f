using System.Buffers;
using System.Text;
using FilterProxy.Http.Tunnels;

namespace FilterProxy.Proxy.Tests.Http;

public sealed class ConnectRequestTests
{
    private static ConnectParseStatus Parse(string text, out ConnectRequest? request, out string? error) =>
        ConnectRequest.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out request, out error);

    [Fact]
    public void Connect_GivesHostPortAndHeadLength()
    {
        const string head = "CONNECT www.example.org:443 HTTP/1.1\r\nHost: www.example.org:443\r\nProxy-Authorization: Basic eDp5\r\n\r\n";

        Assert.Equal(ConnectParseStatus.Ok, Parse(head + "\x16\x03\x01", out ConnectRequest? request, out _));
        Assert.Equal("www.example.org", request!.Host);
        Assert.Equal(443, request.Port);
        Assert.Equal("Basic eDp5", request.ProxyAuthorization);
        Assert.Equal(head.Length, request.HeadLength);
    }

    [Fact]
    public void Ipv6Target_LosesItsBrackets()
    {
        Assert.Equal(ConnectParseStatus.Ok, Parse("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n\r\n", out ConnectRequest? request, out _));
        Assert.Equal("2001:db8::1", request!.Host);
        Assert.Equal(8443, request.Port);
    }

    [Fact]
    public void EveryTruncation_NeedsMoreData()
    {
        const string head = "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n";
        for (int i = 0; i < head.Length; i++)
        {
            Assert.Equal(ConnectParseStatus.NeedMoreData, Parse(head[..i], out _, out _));
        }
    }

    [Theory]
    [InlineData("GET http://a/ HTTP/1.1\r\n\r\n")]
    [InlineData("CONNEX")] // differs before the method is complete: decided at once
    [InlineData("connect a:443 HTTP/1.1\r\n\r\n")] // methods are case-sensitive
    public void OtherMethods_AreNotConnect(string text)
    {
        Assert.Equal(ConnectParseStatus.NotConnect, Parse(text, out _, out _));
    }

    [Theory]
    [InlineData("CONNECT a.example HTTP/1.1\r\n\r\n", "not host:port")]
    [InlineData("CONNECT a.example:99999 HTTP/1.1\r\n\r\n", "not host:port")]
    [InlineData("CONNECT a.example:443\r\n\r\n", "request line")]
    [InlineData("CONNECT a b:443 HTTP/1.1\r\n\r\n", "request line")]
    [InlineData("CONNECT a.example:443 HTTP/1.1\r\nno colon here\r\n\r\n", "header line is malformed")]
    [InlineData("CONNECT user@a.example:443 HTTP/1.1\r\n\r\n", "not host:port")]
    public void Malformed_IsInvalidWithAReason(string text, string reason)
    {
        Assert.Equal(ConnectParseStatus.Invalid, Parse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedHead_IsInvalid()
    {
        string huge = "CONNECT a.example:443 HTTP/1.1\r\nX: " + new string('a', ConnectRequest.MaxHeadLength) + "\r\n";

        Assert.Equal(ConnectParseStatus.Invalid, Parse(huge, out _, out string? error));
        Assert.Contains("too large", error, StringComparison.Ordinal);
    }
}
