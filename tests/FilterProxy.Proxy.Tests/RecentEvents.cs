using FilterProxy.Core.Events;
using FilterProxy.Events.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Proxy.Tests;

/// <summary>Waiting for an event a test caused, in a running gateway's pipeline (it drains within 200 ms).</summary>
internal static class RecentEvents
{
    /// <summary>The newest matching event, waiting up to 5 s; fails with the last few events otherwise.</summary>
    public static async Task<FilterEvent> WaitAsync(IServiceProvider services, Func<FilterEvent, bool> match)
    {
        EventPipeline pipeline = services.GetRequiredService<EventPipeline>();
        for (int i = 0; i < 100; i++)
        {
            if (pipeline.Recent().LastOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("no matching event; recent: " + string.Join("\n", pipeline.Recent().TakeLast(10)));
    }
}
