using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FilterProxy.Http.Search;
using FilterProxy.Http.Tunnels;

namespace FilterProxy.Benchmarks.Http;

/// <summary>
/// The proxy's own per-connection and per-request parsing, in memory: the ClientHello peek (SNI and ALPN from a
/// real 517-byte hello: Python's ssl module, www.bbc.co.uk, h2 + http/1.1), the CONNECT head, and search-term
/// extraction. Policy evaluation is measured in Policy/EvaluateBenchmarks.
/// </summary>
[MemoryDiagnoser]
public class ProxyHotPathBenchmarks
{
    private const string HelloHex = "1603010200010001fc03039d98d47d0cac0b3e3f72caccdb8c1be7aa79f7c4c610047774245490cfe5969c204a689310d2bb1af3e3c4c535eb1ae0dc7a8cd1feb4deaad3e8b688f2ee7a0db40024130213031301c02cc030c02bc02fcca9cca8c024c028c023c027009f009e006b006700ff0100018f00000012001000000d7777772e6262632e636f2e756b000b000403000102000a00160014001d0017001e0019001801000101010201030104002300000010000e000c02683208687474702f312e310016000000170000000d002a0028040305030603080708080809080a080b080408050806040105010601030303010302040205020602002b00050403040303002d00020101003300260024001d00205b912ebabcc865cf549e61c42ea779bafd13205f11bc5f178388ae4fdea3af6e001500ce0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
    private readonly ReadOnlySequence<byte> _hello = new(Convert.FromHexString(HelloHex));
    private readonly ReadOnlySequence<byte> _connect = new(Encoding.ASCII.GetBytes("CONNECT www.bbc.co.uk:443 HTTP/1.1\r\nHost: www.bbc.co.uk:443\r\nUser-Agent: Mozilla/5.0\r\nProxy-Connection: keep-alive\r\n\r\n"));

    [GlobalSetup]
    public void Setup()
    {
        if (ClientHello.TryParse(_hello, out string? sni, out _) != ClientHelloStatus.Ok || sni != "www.bbc.co.uk")
        {
            throw new InvalidOperationException("the recorded ClientHello does not parse");
        }
    }

    [Benchmark]
    public string? ClientHelloPeek() => ClientHello.TryParse(_hello, out string? sni, out _) == ClientHelloStatus.Ok ? sni : null;

    [Benchmark]
    public int ConnectHead() => ConnectRequest.TryParse(_connect, out ConnectRequest? request, out _) == ConnectParseStatus.Ok ? request!.Port : 0;

    [Benchmark]
    public string? SearchTerm() => SearchTerms.Extract("www.google.co.uk", "/search?q=how+do+volcanoes+erupt&hl=en-GB&source=hp");

    [Benchmark]
    public string? NotASearch() => SearchTerms.Extract("www.example.org", "/assets/site.css?v=12");
}
