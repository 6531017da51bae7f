using System.Net;
using FilterProxy.Core.Categories;
using FilterProxy.Core.Content;
using FilterProxy.Core.Domains;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Http.BlockPages;
using FilterProxy.Http.Forwarding;
using FilterProxy.Http.Search;
using FilterProxy.Identity;
using FilterProxy.Core.Identity;
using Microsoft.AspNetCore.Http.Features;

namespace FilterProxy.Http;

/// <summary>
/// Every request that reaches the proxy's listeners (explicit absolute-form, decrypted tunnels, transparent
/// port 80): find the target, ask the shared evaluator, then block (page or short 403), or enforce safe search
/// and forward with the content check, and hand one event to the pipeline.
/// </summary>
internal sealed class ProxyRequestHandler(
    PolicyEvaluator evaluator,
    HttpForwarder forwarder,
    IEventSink events,
    LocalPages localPages,
    ISearchRiskScorer searchRisk,
    RequestIdentifier identifier,
    PortalPages portal,
    RecentBlocks recentBlocks,
    HelpPage helpPage,
    FilterProxy.Metrics.GatewayMetrics metrics,
    TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context, ProxyConnectionFeature connection)
    {
        var origin = HttpEvents.Origin.Start(connection.ClientText, context.Request.Method, time.GetUtcNow());
        DateTimeOffset now = origin.Time;
        string raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!TryGetTarget(context, connection, raw, out RequestTarget target))
        {
            await localPages.HandleAsync(context, connection);
            return;
        }

        IPAddress client = connection.Client;
        if (target.PathAndQuery.StartsWith(BlockPage.ActionPath, StringComparison.Ordinal))
        {
            await localPages.FeedbackAsync(context, client, now);
            return;
        }

        if (target.PathAndQuery.StartsWith(HelpPage.ContinuePath, StringComparison.Ordinal))
        {
            await helpPage.ContinueAsync(context, connection.ClientText);
            return;
        }

        if (target.Scheme == "http" && PortalPages.Handles(target.PathAndQuery))
        {
            await portal.HandleAsync(context, client, target.Authority);
            return;
        }

        // Who: the tunnel's identity (established at CONNECT), else this request's credentials, header, session or device.
        ClientIdentity identity;
        if (connection.Identity is { } fromTunnel)
        {
            identity = fromTunnel;
            context.Request.Headers.Remove(RequestIdentifier.ProxyAuthorization);
        }
        else
        {
            bool explicitProxy = connection.Mode == ProxyMode.Explicit && connection.Intercepted is null;
            IdentityCheck check = await identifier.IdentifyAsync(client, context.Request.Headers, explicitProxy,
                connection.Intercepted is not null ? PortalAction.Link : PortalAction.Redirect);
            if (check.Challenge is { } challenge)
            {
                if (challenge == ChallengeKind.Portal)
                {
                    PortalPages.Redirect(context, target.Authority, target.Url);
                }
                else if (challenge == ChallengeKind.PortalLink)
                {
                    context.Response.StatusCode = StatusCodes.Status511NetworkAuthenticationRequired;
                    context.Response.ContentType = "text/html; charset=utf-8";
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsync(SignInPages.SignInFirst(target.Host));
                }
                else
                {
                    await SignInPages.WriteChallengeAsync(context, challenge, check.Detail!);
                }

                return;
            }

            identity = check.Identity;
        }

        origin = origin with { Identity = identity };
        Decision decision = evaluator.Evaluate(new FilterRequest
        {
            Host = target.Host, Scheme = target.Scheme, PathAndQuery = target.PathAndQuery, Client = client, Time = now,
            User = identity.User, Profile = identity.Profile, Vulnerable = identity.Vulnerable,
        });
        if (!decision.IsBlocked && connection.Intercepted is { } tunnel && !tunnel.Host.Equals(target.Host, StringComparison.OrdinalIgnoreCase))
        {
            // Inside a decrypted tunnel the Host header names another site than the tunnel: the stricter answer wins.
            Decision tunnelDecision = evaluator.Evaluate(new FilterRequest { Host = tunnel.Host, Client = client, Time = now, User = identity.User, Profile = identity.Profile, Vulnerable = identity.Vulnerable });
            if (tunnelDecision.IsBlocked)
            {
                decision = tunnelDecision;
            }
        }

        string? searchTerm = SearchTerms.Extract(target.Host, target.PathAndQuery);
        bool aiPrompt = searchTerm is null && (searchTerm = await PromptAsync(context.Request, target)) is not null;
        bool doh = !aiPrompt && (DohDetector.IsDnsOverHttps(context.Request) || await PostedDnsQueryAsync(context.Request));
        bool dohBlocked = doh && !decision.IsBlocked && decision.Profile.Blocked.Contains(Category.DnsOverHttps);
        string reference = origin.Reference;
        var record = new EventDraft(origin, target, searchTerm, connection.Intercepted is not null);

        if (decision.IsBlocked || dohBlocked)
        {
            string explanation = dohBlocked
                ? $"DNS-over-HTTPS requests go around the school's DNS filtering; profile '{decision.Profile.Name}' blocks them."
                : decision.Explain();
            string? category = dohBlocked ? Categories.Info(Category.DnsOverHttps).Title : decision.Category is { } c ? Categories.Info(c).Title : null;
            string rule = dohBlocked ? "dns-over-https/request" : decision.Rule.Id;
            var info = new BlockInfo(BlockKind.Policy, reference, target.Url, target.Host, category, rule, explanation, decision.Profile.Name);
            recentBlocks.Add(info);
            await BlockPage.WriteAsync(context, info, now);
            Emit(record, decision, HttpEvents.KindOf(decision, true, doh, searchTerm), "block", dohBlocked ? "doh-request" : HttpEvents.Reason(decision), rule, info.Status, null, null);
            return;
        }

        // A search (or a prompt to an AI chat service) that scores high or critical for a pupil: help first (or instead),
        // and the DSL's alert from its event.
        SearchRisk? risk = null;
        if (searchTerm is not null && decision.Profile.RiskySearchHelp != RiskySearchHelp.Off)
        {
            risk = searchRisk.Score(searchTerm);
            if (risk.Value.Level is "high" or "critical" && !helpPage.TakePass(connection.ClientText, target.Url))
            {
                bool mayContinue = decision.Profile.RiskySearchHelp == RiskySearchHelp.Interrupt;
                IReadOnlyList<string> contacts = evaluator.Snapshot.Settings.HelpContacts;
                await (aiPrompt
                    ? helpPage.WriteAnswerAsync(context, reference, target.Url, connection.ClientText, mayContinue, contacts)
                    : helpPage.WriteAsync(context, reference, target.Url, connection.ClientText, mayContinue, contacts));
                Emit(record, decision, EventKind.Search, "block", "risky-search-help", $"{decision.Profile.Name}/risky-search-help", StatusCodes.Status200OK, null,
                    "the search's risk put help first: " + risk.Value.Level + (risk.Value.Theme is { } theme ? " (" + theme + ")" : ""), risk: risk);
                return;
            }
        }

        string pathAndQuery = SafeSearchRewrite.PathAndQuery(decision, target.PathAndQuery);
        var forward = new ForwardRequest(
            target.Parsed is { } parsed && ReferenceEquals(pathAndQuery, target.PathAndQuery) ? parsed : new Uri($"{target.Scheme}://{target.Authority}{pathAndQuery}"),
            target.Authority,
            target.OriginalDestination,
            SafeSearchRewrite.Headers(decision, target.Host, evaluator.Snapshot.Settings.Http),
            decision.Profile,
            target.Host,
            Scan: evaluator.Snapshot.Settings.Http.ContentCheck)
        {
            BlockDnsAnswers = decision.Profile.Blocked.Contains(Category.DnsOverHttps),
            Reference = reference,
            // A WebSocket to an AI chat service: each message the pupil sends is a prompt, an event of its own as it goes.
            OnClientMessage = context.Request.Headers.Upgrade.Count > 0 && IsAiEndpoint(target) ? prompt => Emit(record with { SearchTerm = prompt }, decision, EventKind.Search, "allow", "websocket-message", decision.Rule.Id,
                StatusCodes.Status101SwitchingProtocols, null, null) : null,
        };
        ForwardResult result = await forwarder.ForwardAsync(context, forward);
        if (result.Failure is { } failure)
        {
            if (failure == BlockKind.DnsOverHttps)
            {
                var dohInfo = new BlockInfo(failure, reference, target.Url, target.Host, Categories.Info(Category.DnsOverHttps).Title, "dns-over-https/response", $"{result.FailureDetail}; profile '{decision.Profile.Name}' blocks it.", decision.Profile.Name);
                recentBlocks.Add(dohInfo);
                await BlockPage.WriteAsync(context, dohInfo, now);
                Emit(record, decision, EventKind.Circumvention, "block", "doh-response", dohInfo.Rule!, dohInfo.Status, null, result.FailureDetail);
                return;
            }

            bool content = failure == BlockKind.Content;
            string? category = result.ContentBlock is { } score ? Categories.Info(score.Category).Title : null;
            string rule = content ? $"{decision.Profile.Name}/content"
                : failure == BlockKind.Internal ? "http/internal-destination"
                : $"upstream/{failure.ToString().ToLowerInvariant()}";
            string explanation = content
                ? $"{(result.MidStream ? "Stopped" : "Blocked")} for what the page says: {result.FailureDetail}."
                : failure == BlockKind.Certificate
                    ? $"The website's security certificate is not valid ({result.FailureDetail})."
                    : failure == BlockKind.Internal
                        ? $"{result.FailureDetail}. The web filter never connects to the gateway itself or to internal addresses."
                        : $"{result.FailureDetail}.";
            var info = new BlockInfo(failure, reference, target.Url, target.Host, category, rule, explanation, decision.Profile.Name);
            if (result.MidStream)
            {
                recentBlocks.Add(info); // the client has the start, then the notice; the page was not replaced
            }
            else if (!context.Response.HasStarted)
            {
                if (info.Status == StatusCodes.Status403Forbidden)
                {
                    recentBlocks.Add(info);
                }

                await BlockPage.WriteAsync(context, info, now);
            }

            string reason = content ? (result.MidStream ? "content-stream" : "content") : failure switch
            {
                BlockKind.Certificate => "upstream-certificate",
                BlockKind.Internal => "internal-destination",
                _ => "upstream-error",
            };
            bool blocked = content || failure is BlockKind.Certificate or BlockKind.Internal;
            Emit(record, decision, HttpEvents.KindOf(decision, content, doh, searchTerm), blocked ? "block" : "error", reason, rule,
                result.MidStream ? result.Status : info.Status, result.ContentBlock, result.FailureDetail, result.Bytes, risk);
            return;
        }

        Emit(record, decision, HttpEvents.KindOf(decision, false, doh, searchTerm), HttpEvents.VerdictText(decision.Verdict), HttpEvents.Reason(decision), decision.Rule.Id, result.Status, null, result.ContentSummary, result.Bytes, risk);
    }

    /// <summary>
    /// A small POST whose body is a DNS query (DNS-over-HTTPS sent as application/octet-stream or with no type): the
    /// body is buffered so it is still forwarded whole when it is not.
    /// </summary>
    private static ValueTask<bool> PostedDnsQueryAsync(HttpRequest request) =>
        DohDetector.MayCarryQuery(request)
            ? RequestBodyPeek.ReadAsync(request, DohDetector.MaxQueryBody, static body => DohDetector.IsDnsQuery(body.Span), false)
            : ValueTask.FromResult(false);

    /// <summary>The prompt in a chat request to an AI service's endpoint (read like a search term), or null.</summary>
    private ValueTask<string?> PromptAsync(HttpRequest request, in RequestTarget target) =>
        AiPrompts.MayCarryPrompt(request) && IsAiEndpoint(target)
            ? RequestBodyPeek.ReadAsync(request, AiPrompts.MaxBody, static body => AiPrompts.Read(body.Span), null)
            : ValueTask.FromResult<string?>(null);

    private bool IsAiEndpoint(in RequestTarget target)
    {
        string pathAndQuery = target.PathAndQuery;
        int q = pathAndQuery.IndexOf('?');
        return AiPrompts.IsEndpoint(evaluator.Snapshot.Settings.Http.AiChatEndpoints, target.Host, q < 0 ? pathAndQuery : pathAndQuery.AsSpan(0, q));
    }

    /// <summary>Hands the request's event to the pipeline (after the response); a search term is scored for safeguarding risk here.</summary>
    private void Emit(in EventDraft d, in Decision decision, EventKind kind, string verdict, string reason, string rule, int status, CategoryScore? content, string? contentText, long bytes = 0, SearchRisk? risk = null)
    {
        FilterEvent e = HttpEvents.Create(d.Origin, decision, new HttpEvents.Outcome(kind, verdict, reason, rule, status, bytes), d.Target.Host,
            d.Intercepted ? "https" : d.Target.Scheme, d.Target.Url, d.SearchTerm, content, contentText,
            note: verdict != "block" && evaluator.Snapshot.Settings.HelpServices.Contains(d.Target.Host) ? HelpServices.VisitNote : null);
        if (d.SearchTerm is { } term)
        {
            SearchRisk scored = risk ?? searchRisk.Score(term); // scored once: before forwarding when the profile asked
            metrics.SearchRisk(scored.Level);
            if (!scored.IsNone)
            {
                e = e with { Risk = scored.Level, Theme = scored.Theme };
            }
        }

        metrics.Decision(d.Intercepted ? FilterProxy.Metrics.GatewayMetrics.Https : FilterProxy.Metrics.GatewayMetrics.Http, verdict, content?.Category ?? decision.Category, decision.Profile.Name);
        events.TryWrite(e);
    }

    /// <summary>Where the request goes. False for requests addressed to the gateway itself (PAC file, CA, help).</summary>
    internal static bool TryGetTarget(HttpContext context, ProxyConnectionFeature connection, string raw, out RequestTarget target)
    {
        target = default;
        if (connection.Intercepted is { } tunnel)
        {
            return RequestTarget.TryCreate("https", HostHeaderOr(context, tunnel.Host), tunnel.Port, raw, tunnel.OriginalDestination, out target);
        }

        if (connection.Mode == ProxyMode.TransparentHttp)
        {
            IPEndPoint? original = connection.OriginalDestination;
            // Without a redirect (policy routing straight to the gateway) the Host header's port is the best word on the port.
            return RequestTarget.TryCreate("http", HostHeaderOr(context, original?.Address.ToString() ?? ""), original?.Port ?? context.Request.Host.Port ?? 80, raw, original, out target);
        }

        if (raw.StartsWith('/'))
        {
            return false;
        }

        if (!Uri.TryCreate(raw, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        bool ok = RequestTarget.TryCreate(uri.Scheme, uri.Host, uri.Port, uri.PathAndQuery, null, out target);
        target = target with { Parsed = uri };
        return ok;
    }

    private static string HostHeaderOr(HttpContext context, string fallback)
    {
        HostString host = context.Request.Host;
        return host.HasValue ? host.Host : fallback;
    }

    private readonly record struct EventDraft(HttpEvents.Origin Origin, RequestTarget Target, string? SearchTerm, bool Intercepted);
}

/// <summary>A request's destination: scheme, host (no brackets), port, path and query, and the URL for events and pages.</summary>
internal readonly record struct RequestTarget(string Scheme, string Host, int Port, string PathAndQuery, IPEndPoint? OriginalDestination)
{
    /// <summary>The absolute URI as parsed from an absolute-form request line, reused for forwarding when nothing is rewritten.</summary>
    public Uri? Parsed { get; init; }

    public string Authority
    {
        get
        {
            string host = Host.Contains(':') ? $"[{Host}]" : Host;
            bool defaultPort = (Scheme == "http" && Port == 80) || (Scheme == "https" && Port == 443);
            return defaultPort ? host : $"{host}:{Port}";
        }
    }

    public string Url => Parsed?.OriginalString ?? $"{Scheme}://{Authority}{PathAndQuery}";

    public static bool TryCreate(string scheme, string host, int port, string pathAndQuery, IPEndPoint? original, out RequestTarget target)
    {
        host = HostName.WithoutBrackets(host);
        target = new RequestTarget(scheme, host, port, pathAndQuery.Length == 0 ? "/" : pathAndQuery, original);
        return host.Length > 0 && (pathAndQuery.Length == 0 || pathAndQuery.StartsWith('/'));
    }
}
