using FilterProxy.Classifier.Content;
using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Phrases;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Content;
using FilterProxy.Http.BlockPages;
using FilterProxy.Http.Content;
using FilterProxy.Http.Destinations;
using FilterProxy.Http.Forwarding;
using FilterProxy.Http.Tunnels;
using FilterProxy.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FilterProxy.Http;

/// <summary>Composition of the HTTP/HTTPS proxy: its services, its Kestrel listeners and its place in the request pipeline.</summary>
internal static class ProxyHosting
{
    public static void AddFilterProxyHttp(this IServiceCollection services, HttpSettings settings)
    {
        services.AddSingleton<ClientConnectionLimiter>();
        services.AddSingleton<GatewayAddresses>();
        services.AddSingleton<ServiceHosts>();
        services.AddSingleton<DestinationGuard>();
        services.AddSingleton<OriginConnector>();
        services.AddSingleton<LeafCertificateCache>();
        services.AddSingleton<InterceptFallback>();
        services.AddSingleton<TunnelHandler>();
        var classifier = new ContentClassifier(Load(settings.ContentModel, ShippedModels.Content, ModelFile.Load, "contentModel"), PhraseList.BuiltInAnd(settings.PhraseLists));
        ISearchRiskScorer searchRisk = Load(settings.SearchModel, ShippedModels.Search, SearchModels.Load, "searchModel").Scorer();
        // Warm up before the first request: the first page checked would otherwise pay for loading the folding table and
        // compiling the check (hundreds of milliseconds on a busy two-core box), past the scan budget — and a pupil's
        // page that misses the budget is blocked (fail closed).
        classifier.ClassifyAsync(new ContentSample(ContentKind.Html, "<html><head><title>Warm up</title></head><body><p>The school library opens at nine.</p></body></html>"u8.ToArray(), "utf-8", "warmup.invalid"), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        searchRisk.Score("warm up search");
        services.AddSingleton<IContentClassifier>(classifier);
        services.AddSingleton(searchRisk);
        services.AddSingleton<ContentInspector>();
        services.AddSingleton(sp => new HttpForwarder(ForwarderClient.Create(sp.GetRequiredService<OriginConnector>(), settings), sp.GetRequiredService<ContentInspector>()));
        services.AddSingleton<LocalPages>();
        services.AddSingleton<RecentBlocks>();
        services.AddSingleton<HelpPage>();
        services.AddSingleton<Hosting.FeedbackRateLimiter>();
        services.AddSingleton<ProxyRequestHandler>();
    }

    /// <summary>The shipped model, or the school's own from http.contentModel / http.searchModel; a bad file stops the start with the reason.</summary>
    private static T Load<T>(string? path, T shipped, Func<string, T> load, string key)
    {
        try
        {
            return path is null ? shipped : load(path);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException("classifier model", [new ConfigError("http." + key, e.Message)]);
        }
    }

    /// <summary>The explicit proxy port and, when configured, the transparent HTTP and HTTPS ports (HTTP/1.1 to clients).</summary>
    public static List<ListenOptions> Listen(KestrelServerOptions kestrel, GatewaySettings settings)
    {
        var listeners = new List<ListenOptions>();
        void Add(int port, ProxyMode mode)
        {
            kestrel.Listen(settings.ListenAddress, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => ActivatorUtilities.CreateInstance<ProxyConnectionMiddleware>(listen.ApplicationServices, next, mode).OnConnectionAsync);
                listeners.Add(listen);
            });
        }

        Add(settings.ProxyPort, ProxyMode.Explicit);
        if (settings.TransparentHttpPort is { } http)
        {
            Add(http, ProxyMode.TransparentHttp);
        }

        if (settings.TransparentHttpsPort is { } https)
        {
            Add(https, ProxyMode.TransparentHttps);
        }

        return listeners;
    }

    /// <summary>Requests on the proxy's listeners go to the proxy; the rest (admin, DoH) go on.</summary>
    public static void UseFilterProxyHttp(this IApplicationBuilder app)
    {
        ProxyRequestHandler handler = app.ApplicationServices.GetRequiredService<ProxyRequestHandler>();
        app.Use((context, next) =>
        {
            if (context.Features.Get<ProxyConnectionFeature>() is not { } connection)
            {
                return next(context);
            }

            // Routing matched the path against the admin's endpoints; a proxied request is none of them (and its
            // http.server.request.duration must not carry an admin route).
            context.SetEndpoint(null);
            return handler.InvokeAsync(context, connection);
        });
    }
}
