using FilterProxy.Core.Policy;

namespace FilterProxy.Hosting;

/// <summary>Serves only the allowed client networks (default: loopback and private ranges): never an open service.</summary>
internal sealed class ClientAccessMiddleware(RequestDelegate next, PolicySnapshotHolder holder, ILogger<ClientAccessMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is { } remote && !holder.Current.IsClientAllowed(remote))
        {
            Log.ClientRefused(logger);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("FilterProxy serves only this school's networks.\n");
        }

        return next(context);
    }
}
