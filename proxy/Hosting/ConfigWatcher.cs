using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace FilterProxy.Hosting;

/// <summary>Reloads the policy when the configuration file changes or the process gets SIGHUP.</summary>
internal sealed class ConfigWatcher(PolicyReloader reloader, GatewayContext context) : BackgroundService
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(300);

    // Bounded to one pending signal: many file events in a burst mean one reload.
    private readonly Channel<string> _signals = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using PosixSignalRegistration? hangup = OperatingSystem.IsWindows()
            ? null
            : PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
            {
                signal.Cancel = true;
                _signals.Writer.TryWrite("SIGHUP");
            });
        using FileSystemWatcher? watcher = CreateWatcher();
        while (!stoppingToken.IsCancellationRequested)
        {
            string trigger;
            try
            {
                trigger = await _signals.Reader.ReadAsync(stoppingToken);
                await Task.Delay(s_debounce, stoppingToken); // let an editor finish writing
                _signals.Reader.TryRead(out _);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await reloader.ReloadAsync(trigger, refreshLists: false, stoppingToken);
        }
    }

    private FileSystemWatcher? CreateWatcher()
    {
        if (context.ConfigPath is null)
        {
            return null;
        }

        var watcher = new FileSystemWatcher(Path.GetDirectoryName(context.ConfigPath)!, Path.GetFileName(context.ConfigPath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => _signals.Writer.TryWrite("file changed");
        watcher.Created += (_, _) => _signals.Writer.TryWrite("file changed");
        watcher.Renamed += (_, _) => _signals.Writer.TryWrite("file changed");
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
