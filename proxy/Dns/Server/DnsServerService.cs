using System.Net;
using FilterProxy.Core.Policy;

namespace FilterProxy.Dns.Server;

/// <summary>Starts the UDP and TCP DNS listeners on the configured address and port (port 0: a free one, for tests).</summary>
internal sealed class DnsServerService(PolicySnapshotHolder snapshots, DnsResolver resolver, DnsRepeats events, TimeProvider time) : IHostedService, IAsyncDisposable
{
    private UdpDnsServer? _udp;
    private TcpDnsServer? _tcp;

    /// <summary>The bound UDP endpoint (TCP uses the same port).</summary>
    public IPEndPoint? EndPoint => _udp?.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = snapshots.Current.Settings;
        for (int attempt = 0; ; attempt++)
        {
            _udp = new UdpDnsServer(new IPEndPoint(settings.ListenAddress, settings.DnsPort), resolver, events, time);
            try
            {
                // TCP on the same port as UDP (which the system picked when the configured port is 0).
                _tcp = new TcpDnsServer(new IPEndPoint(settings.ListenAddress, _udp.LocalEndPoint.Port), resolver, events, time);
                return Task.CompletedTask;
            }
            catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse && settings.DnsPort == 0 && attempt < 20)
            {
                // That number is free for UDP but taken for TCP: pick another pair.
                _udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync();
        events.Stop(); // the counted repeats reach the pipeline before its last drain (it stops after this service)
    }

    public async ValueTask DisposeAsync()
    {
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
            _udp = null;
        }

        if (_tcp is not null)
        {
            await _tcp.DisposeAsync();
            _tcp = null;
        }
    }
}
