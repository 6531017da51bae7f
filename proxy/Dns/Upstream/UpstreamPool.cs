using System.Buffers.Binary;
using System.Diagnostics;
using FilterProxy.Core.Configuration;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Dns.Upstream;

/// <summary>
/// The configured upstreams, tried in order. An upstream that fails (timeout, refusal, a mismatched
/// answer) is marked down and skipped for an exponential back-off (1 s … 60 s); when every upstream is
/// down they are all tried anyway. Every query gets a fresh cryptographically random ID, and an
/// answer is accepted only when its ID, QR bit and question match what was asked.
/// </summary>
internal sealed class UpstreamPool : IAsyncDisposable
{
    private readonly Member[] _members;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public UpstreamPool(IReadOnlyList<DnsUpstream> upstreams, TimeSpan timeout, TimeProvider time, Func<DnsUpstream, IDnsUpstream>? factory = null)
    {
        factory ??= Create;
        _members = [.. upstreams.Select(u => new Member(factory(u)))];
        _timeout = timeout;
        _time = time;
        Key = KeyOf(upstreams, timeout);
    }

    /// <summary>What identifies a pool's configuration (a reload rebuilds the pool only when this changes).</summary>
    public static string KeyOf(IReadOnlyList<DnsUpstream> upstreams, TimeSpan timeout) =>
        string.Join(',', upstreams.Select(static u => u.Text)) + "|" + timeout.TotalMilliseconds;

    /// <summary>Identifies the configuration this pool was built from (a reload rebuilds it when this changes).</summary>
    public string Key { get; }

    public int Count => _members.Length;

    public IReadOnlyList<(string Upstream, bool Up, int Failures)> Health =>
        [.. _members.Select(m => (m.Upstream.Spec.Text, m.DownUntil <= _time.GetUtcNow().UtcTicks, m.Failures))];

    public static IDnsUpstream Create(DnsUpstream spec) => spec.Transport switch
    {
        DnsTransport.Udp => new UdpUpstream(spec),
        DnsTransport.Tls => new TlsUpstream(spec),
        _ => new HttpsUpstream(spec),
    };

    /// <summary>Builds a query for a question (uncompressed, as sent by the client), with our OPT, and a fresh ID.</summary>
    public static byte[] BuildQuery(ReadOnlySpan<byte> question, bool dnssecOk)
    {
        byte[] query = new byte[DnsLimits.HeaderSize + question.Length + DnsOpt.Size];
        BinaryPrimitives.WriteUInt16BigEndian(query, QueryIds.Next());
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(10), 1);
        question.CopyTo(query.AsSpan(DnsLimits.HeaderSize));
        DnsOpt.Write(query.AsSpan(DnsLimits.HeaderSize + question.Length), dnssecOk);
        return query;
    }

    /// <summary>Sends the question to the first upstream that answers properly.</summary>
    public async Task<(byte[] Response, DnsMessage Message, DnsUpstream Upstream, TimeSpan Latency)> ExchangeAsync(
        ReadOnlyMemory<byte> question, string name, ushort type, ushort @class, bool dnssecOk, CancellationToken cancellationToken)
    {
        if (_members.Length == 0)
        {
            throw new DnsUpstreamException("no upstream resolver is configured (dns.upstreams)");
        }

        long now = _time.GetUtcNow().UtcTicks;
        // Materialised now: marking one down below must not reorder (or repeat) this attempt.
        Member[] order = [.. _members.Where(m => m.DownUntil <= now), .. _members.Where(m => m.DownUntil > now)];
        var errors = new List<string>();
        foreach (Member member in order)
        {
            byte[] query = BuildQuery(question.Span, dnssecOk);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            long started = Stopwatch.GetTimestamp();
            try
            {
                byte[] response = await member.Upstream.ExchangeAsync(query, timeout.Token);
                ushort id = BinaryPrimitives.ReadUInt16BigEndian(query); // a transport may pick its own (unique per socket) ID
                DnsMessage? message = DnsMessage.TryParse(response);
                if (message is null || message.Id != id || (message.Flags & 0x8000) == 0
                    || message.QType != type || message.QClass != @class
                    || !string.Equals(message.QuestionName, name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new DnsUpstreamException($"{member.Upstream.Spec}: the answer does not match the question");
                }

                member.Succeeded();
                return (response, message, member.Upstream.Spec, Stopwatch.GetElapsedTime(started));
            }
            catch (Exception ex) when (ex is DnsUpstreamException or OperationCanceledException or IOException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
            {
                member.Failed(_time.GetUtcNow().UtcTicks);
                errors.Add(ex is OperationCanceledException ? $"{member.Upstream.Spec}: no answer within {_timeout.TotalMilliseconds} ms" : ex.Message);
            }
        }

        throw new DnsUpstreamException(string.Join("; ", errors));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Member m in _members)
        {
            await m.Upstream.DisposeAsync();
        }
    }

    private sealed class Member(IDnsUpstream upstream)
    {
        private int _failures;
        private long _downUntil;

        public IDnsUpstream Upstream { get; } = upstream;

        public int Failures => Volatile.Read(ref _failures);

        public long DownUntil => Volatile.Read(ref _downUntil);

        public void Succeeded()
        {
            Volatile.Write(ref _failures, 0);
            Volatile.Write(ref _downUntil, 0);
        }

        public void Failed(long now)
        {
            int failures = Interlocked.Increment(ref _failures);
            long backoff = TimeSpan.TicksPerSecond << Math.Min(failures - 1, 6);
            Volatile.Write(ref _downUntil, now + Math.Min(backoff, 60 * TimeSpan.TicksPerSecond));
        }
    }
}
