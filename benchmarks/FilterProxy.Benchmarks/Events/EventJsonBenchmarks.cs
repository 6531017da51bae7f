using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Events;
using FilterProxy.Events.Serialization;

namespace FilterProxy.Benchmarks.Events;

/// <summary>
/// Writing one event as the SQLite store does (into a reused buffer): the hand-written writer against the generated
/// serializer it reproduces byte for byte. Every proxied request and DNS query is written once.
/// </summary>
[MemoryDiagnoser]
public class EventJsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private Utf8JsonWriter _writer = null!;

    [Params("dns", "http")]
    public string Event { get; set; } = "dns";

    private FilterEvent _event = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = EventJson.CreateWriter(_buffer);
        _event = Event == "dns"
            ? new FilterEvent
            {
                Time = DateTimeOffset.UtcNow, Kind = EventKind.Dns, Node = "gw1", Seq = 1795289458950470, ClientIp = "10.2.7.9",
                IdentitySource = "none", IdentityConfidence = "none", Profile = "nursery-ks1", Host = "cdn.dz41i.org.uk",
                Verdict = "allow", Reason = "cache", Rule = "nursery-ks1/default", LatencyMs = 0.0055, Protocol = "udp",
                QueryType = "A", ResponseCode = "NOERROR", CacheHit = true,
            }
            : new FilterEvent
            {
                Time = DateTimeOffset.UtcNow, Kind = EventKind.Http, Node = "gw1", Seq = 1795289458950471, ClientIp = "10.2.7.9",
                Device = "LAP-0042", User = "jsmith", DisplayName = "Jo Smith", IdentitySource = "dhcp", IdentityConfidence = "low",
                Profile = "ks2", Method = "GET", Host = "www.bbc.co.uk", Url = "https://www.bbc.co.uk/bitesize/topics/zkcqn39?x=1&y=two",
                Categories = ["news", "education"], Verdict = "allow", Reason = "allowed", Rule = "ks2/default", Status = 200,
                Bytes = 48213, LatencyMs = 12.75,
            };
    }

    [Benchmark(Baseline = true)]
    public int Generated()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, _event, EventJson.GeneratedFilterEvent);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int HandWritten()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        EventJson.Write(_writer, _event);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}

/// <summary>Compressing one ~12 KB chunk of event lines as the SQLite store does, at Brotli qualities 0–2.</summary>
[MemoryDiagnoser]
public class ChunkCompressionBenchmarks
{
    private byte[] _chunk = null!;
    private readonly byte[] _output = new byte[64 * 1024];

    [Params(0, 1, 2)]
    public int Quality { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using Utf8JsonWriter writer = EventJson.CreateWriter(buffer);
        for (int i = 0; buffer.WrittenCount < 12 * 1024; i++)
        {
            writer.Reset(buffer);
            EventJson.Write(writer, new FilterEvent
            {
                Time = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddMilliseconds(i * 37), Kind = EventKind.Http, Node = "gw1",
                Seq = 1795289458950470 + i, ClientIp = $"10.2.{i % 7}.{i % 200}", Device = $"LAP-{i % 300:0000}", User = $"pupil{i % 250}",
                IdentitySource = "dhcp", IdentityConfidence = "low", Profile = "ks2", Method = "GET", Host = $"www.site{i % 40}.example",
                Url = $"https://www.site{i % 40}.example/path/{i * 7919 % 1000}/page?x={i}", Categories = ["education"], Verdict = "allow",
                Reason = "allowed", Rule = "ks2/default", Status = 200, Bytes = 1000 + (i * 31 % 50_000), LatencyMs = 1.5 + (i % 13),
            });
            writer.Flush();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
        }

        _chunk = buffer.WrittenSpan.ToArray();
        System.IO.Compression.BrotliEncoder.TryCompress(_chunk, _output, out int written, Quality, 22);
        Console.WriteLine($"// quality {Quality}: {_chunk.Length} → {written} bytes ({(double)_chunk.Length / written:0.0}×)");
    }

    [Benchmark]
    public int Compress() => System.IO.Compression.BrotliEncoder.TryCompress(_chunk, _output, out int written, Quality, 22) ? written : -1;
}
