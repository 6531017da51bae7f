using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using FilterProxy.Core.Events;
using FilterProxy.Core.Policy;
using FilterProxy.Identity;
using FilterProxy.Tls;
using Microsoft.AspNetCore.Connections;

namespace FilterProxy.Http.Tunnels;

/// <summary>
/// HTTPS tunnels, from CONNECT on the explicit port or redirected port-443 connections: peek the ClientHello
/// (SNI, ALPN) without consuming it, ask the shared evaluator about the name (and the CONNECT host, when they
/// differ: the stricter wins), then per profile <b>splice</b> (copy bytes, filter on the name only),
/// <b>intercept</b> (terminate TLS with a leaf from the school CA and hand the decrypted connection to the HTTP
/// server, so each request is filtered by URL and content) or <b>refuse</b> (a 403 to CONNECT, or a TLS alert).
/// Blocked hosts that can be intercepted get the block page instead. Anything unreadable fails closed.
/// </summary>
internal sealed partial class TunnelHandler(
    PolicyEvaluator evaluator,
    OriginConnector connector,
    LeafCertificateCache leaves,
    InterceptFallback fallback,
    IEventSink events,
    RequestIdentifier identifier,
    TimeProvider time,
    FilterProxy.Metrics.GatewayMetrics metrics,
    ILogger<TunnelHandler> logger)
{
    private static readonly TimeSpan s_helloTimeout = TimeSpan.FromSeconds(15);

    public async Task HandleConnectAsync(ConnectionContext connection, ConnectionDelegate next, ProxyConnectionFeature feature, ConnectRequest connect, IPAddress client)
    {
        var draft = HttpEvents.Origin.Start(feature.ClientText, "CONNECT", time.GetUtcNow());
        IdentityCheck check = await identifier.IdentifyConnectAsync(client, connect.ProxyAuthorization);
        if (check.Challenge is { } challenge)
        {
            await connection.Transport.Output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(SignInPages.ConnectChallenge(challenge, check.Detail ?? "")));
            return;
        }

        if (check.Identity.Source == FilterProxy.Core.Identity.IdentitySource.ProxyAuth)
        {
            feature.Identity = check.Identity; // the tunnel's requests carry no credentials: they are this person's
        }
        // Otherwise each decrypted request is identified afresh (a portal sign-in during the tunnel applies; an
        // unidentified client in a portal network gets the page that links to the portal).
        draft = draft with { Identity = check.Identity };
        Decision decision = evaluator.Evaluate(Request(connect.Host, client, draft));
        if (!decision.Profile.AllowsConnectPort(connect.Port))
        {
            string why = $"tunnels to port {connect.Port} are not allowed for profile '{decision.Profile.Name}' (only {string.Join(", ", decision.Profile.ConnectPorts!)})";
            await RawResponse.WriteAsync(connection.Transport.Output, 403, "Forbidden", $"Blocked by FilterProxy: {why}. Reference {draft.Reference}.");
            Emit(draft, decision, connect.Host, EventKind.Circumvention, "block", "connect-port", $"{decision.Profile.Name}/connect-port", 403, 0, why);
            return;
        }

        if (connector.RefusalOfLiteral(connect.Host, connect.Port) is { } refusal)
        {
            string why = $"FilterProxy does not connect to {connect.Host} port {connect.Port}: {refusal}";
            await RawResponse.WriteAsync(connection.Transport.Output, 403, "Forbidden", $"Blocked by FilterProxy: {why}. Reference {draft.Reference}.");
            Emit(draft, decision, connect.Host, EventKind.HttpsSni, "block", "internal-destination", "http/internal-destination", 403, 0, why);
            return;
        }

        if (decision.IsBlocked && !WillIntercept(decision.Profile, connect.Host))
        {
            await RawResponse.WriteAsync(connection.Transport.Output, 403, "Forbidden", $"Blocked by FilterProxy: {decision.Explain()} Reference {draft.Reference}.");
            Emit(draft, decision, connect.Host, KindOf(decision), "block", HttpEvents.Reason(decision), decision.Rule.Id, 403, 0, null);
            return;
        }

        await connection.Transport.Output.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
        await HandleTlsAsync(connection, next, feature, connect.Host, connect.Port, client, draft);
    }

    /// <summary>A connection that starts with TLS: after CONNECT, or redirected port-443 traffic (<paramref name="host"/> null).</summary>
    public async Task HandleTlsAsync(ConnectionContext connection, ConnectionDelegate next, ProxyConnectionFeature feature, string? host, int port, IPAddress client, HttpEvents.Origin? connectDraft = null)
    {
        HttpEvents.Origin draft = connectDraft ?? HttpEvents.Origin.Start(feature.ClientText, null, time.GetUtcNow());
        if (draft.Identity is null)
        {
            // Redirected port 443: the address's session or device (in a portal network, unidentified = strictest profile).
            draft = draft with { Identity = (await identifier.IdentifyConnectAsync(client, null)).Identity };
        }

        (ClientHelloStatus status, string? sni) = await PeekClientHelloAsync(connection.Transport.Input, connection.ConnectionClosed);
        string? name = sni ?? host ?? feature.OriginalDestination?.Address.ToString();
        Decision decision = evaluator.Evaluate(Request(name ?? "", client, draft));
        if (status != ClientHelloStatus.Ok || name is null)
        {
            if (status == ClientHelloStatus.NotTls && host is not null && decision.Profile.ConnectPorts is null && !decision.IsBlocked)
            {
                await SpliceAsync(connection, host, port, feature.OriginalDestination, draft, decision, name!);
                return;
            }

            string why = status switch
            {
                ClientHelloStatus.NotTls => "the tunnel does not carry TLS",
                ClientHelloStatus.Invalid => "the TLS ClientHello is malformed",
                ClientHelloStatus.Ok => "no server name and no destination",
                _ => "no TLS ClientHello arrived in time",
            };
            await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.AccessDenied);
            Emit(draft, decision, name ?? "", status == ClientHelloStatus.NotTls ? EventKind.Circumvention : EventKind.HttpsSni, "block", "unreadable-tls", "tls/unreadable", 0, 0, why + "; refused (fail closed)");
            return;
        }

        if (!decision.IsBlocked && host is not null && sni is not null && !host.Equals(sni, StringComparison.OrdinalIgnoreCase))
        {
            // CONNECT named one site and the ClientHello another (domain fronting): the stricter answer wins.
            Decision byConnect = evaluator.Evaluate(Request(host, client, draft));
            if (byConnect.IsBlocked)
            {
                decision = byConnect;
            }
        }

        bool intercept = WillIntercept(decision.Profile, name);
        if (decision.IsBlocked && !intercept)
        {
            await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.AccessDenied);
            Emit(draft, decision, name, KindOf(decision), "block", HttpEvents.Reason(decision), decision.Rule.Id, 0, 0, null);
            return;
        }

        if (intercept)
        {
            await InterceptAsync(connection, next, feature, new TunnelTarget(name, port, sni, feature.OriginalDestination), draft, decision);
        }
        else
        {
            (string target, IPEndPoint? original, string? refusal) = await SpliceTargetAsync(host, sni, name, feature.OriginalDestination, connection.ConnectionClosed);
            if (refusal is not null)
            {
                await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.AccessDenied);
                Emit(draft, decision, name, EventKind.Circumvention, "block", "fronting", "tls/fronting", 0, 0, refusal);
                return;
            }

            await SpliceAsync(connection, target, port, original, draft, decision, name);
        }
    }

    /// <summary>
    /// Where a spliced tunnel goes: where the evaluated TLS name leads. A CONNECT target other than that name (an
    /// address of a blocked site behind a never-intercept bank's name: domain fronting) is not used; a redirected
    /// connection goes to its original destination only if the TLS name resolves to it, else to the name's address.
    /// </summary>
    private async Task<(string Target, IPEndPoint? Original, string? Refusal)> SpliceTargetAsync(string? connectHost, string? sni, string name, IPEndPoint? original, CancellationToken cancellationToken)
    {
        if (sni is null)
        {
            return (connectHost ?? name, original, null);
        }

        if (original is null)
        {
            return (sni, null, null); // explicit CONNECT: whatever it named, connect to the name that was judged
        }

        try
        {
            IPAddress[] addresses = await connector.ResolveAsync(sni, cancellationToken);
            IPAddress destination = original.Address.IsIPv4MappedToIPv6 ? original.Address.MapToIPv4() : original.Address;
            return addresses.Any(a => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(destination)) ? (sni, original, null) : (sni, null, null);
        }
        catch (SocketException)
        {
            return (sni, null, $"the TLS name {sni} does not resolve, so the connection to {original.Address} cannot be checked (domain fronting?); refused");
        }
    }

    private bool WillIntercept(Profile profile, string host) =>
        profile.Tls == TlsMode.Intercept
        && evaluator.Snapshot.Settings.Http.NeverInterceptEntryFor(host) is null
        && !fallback.IsSpliced(host);

    private async Task InterceptAsync(ConnectionContext connection, ConnectionDelegate next, ProxyConnectionFeature feature, TunnelTarget target, HttpEvents.Origin draft, Decision decision)
    {
        IDuplexPipe transport = connection.Transport;
        var ssl = new SslStream(new DuplexPipeStream(transport.Input, transport.Output), leaveInnerStreamOpen: true);
        await using (ssl)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
                timeout.CancelAfter(s_helloTimeout);
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = leaves.Get(target.Host),
                        ApplicationProtocols = [SslApplicationProtocol.Http11],
                        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                    },
                    timeout.Token);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                // Only a refusal (the client's TLS alert: unknown CA, bad certificate) counts towards splicing the host;
                // a client that hangs up or stalls mid-handshake (a closed tab, a timeout) proves nothing about pinning.
                TimeSpan splice = evaluator.Snapshot.Settings.Http.InterceptFallback;
                bool refused = ex is AuthenticationException;
                bool spliced = refused && fallback.RecordFailure(target.Host, splice);
                if (spliced)
                {
                    HttpLog.InterceptionFailed(logger, ex.GetType().Name, splice.TotalMinutes);
                }

                string note = spliced
                    ? $"the client refused the school certificate ({ex.Message}) {InterceptFallback.FailuresToSplice} times; this host is spliced for {splice.TotalMinutes:0} minutes"
                    : refused ? $"the client refused the school certificate ({ex.Message})" : $"the client left during the TLS handshake ({ex.GetType().Name})";
                Emit(draft, decision, target.Host, EventKind.HttpsSni, "error", "interception-failed", "tls/intercept-fallback", 0, 0, note);
                return;
            }

            feature.Intercepted = target;
            metrics.Tunnel("intercept"); // its requests are counted one by one as they are decided
            var decrypted = new SslDuplexPipe(ssl);
            connection.Transport = decrypted;
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
                await decrypted.CompleteAsync();
            }
        }
    }

    private async Task SpliceAsync(ConnectionContext connection, string host, int port, IPEndPoint? original, HttpEvents.Origin draft, Decision decision, string name)
    {
        Socket origin;
        try
        {
            origin = await connector.ConnectAsync(host, port, original, connection.ConnectionClosed);
        }
        catch (Destinations.DestinationRefusedException ex)
        {
            await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.AccessDenied);
            Emit(draft, decision, name, EventKind.HttpsSni, "block", "internal-destination", "http/internal-destination", 403, 0, ex.Message);
            return;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or OperationCanceledException)
        {
            await TlsAlert.SendAsync(connection.Transport.Output, TlsAlert.InternalError);
            Emit(draft, decision, name, EventKind.HttpsSni, "error", "upstream-error", "upstream/unreachable", 502, 0, ex.Message);
            return;
        }

        using (origin)
        {
            (long up, long down) = await Splicer.RunAsync(connection.Transport, origin, evaluator.Snapshot.Settings.Http.TunnelIdleTimeout, connection.ConnectionClosed);
            Emit(draft, decision, name, KindOf(decision), HttpEvents.VerdictText(decision.Verdict), HttpEvents.Reason(decision), decision.Rule.Id, 200, up + down, "spliced");
        }
    }

    private static async Task<(ClientHelloStatus Status, string? ServerName)> PeekClientHelloAsync(PipeReader input, CancellationToken closed)
    {
        (bool decided, (ClientHelloStatus Status, string? Sni) r) = await PipePeek.PeekAsync(input, s_helloTimeout, closed,
            static (ReadOnlySequence<byte> data, out (ClientHelloStatus, string?) result, out long consume) =>
            {
                ClientHelloStatus status = ClientHello.TryParse(data, out string? sni, out _);
                result = (status, sni);
                consume = 0; // a peek: the TLS stack (ours or the origin's) reads the hello again
                return status != ClientHelloStatus.NeedMoreData;
            });
        return decided ? r : (ClientHelloStatus.NeedMoreData, null);
    }

    private static EventKind KindOf(in Decision decision) =>
        decision.IsBlocked && decision.Categories.Overlaps(Core.Categories.Categories.Circumvention) ? EventKind.Circumvention : EventKind.HttpsSni;

    private static FilterRequest Request(string host, IPAddress client, in HttpEvents.Origin draft) => new()
    {
        Host = host, Client = client, Time = draft.Time,
        User = draft.Identity?.User, Profile = draft.Identity?.Profile, Vulnerable = draft.Identity?.Vulnerable ?? false,
    };

    private void Emit(in HttpEvents.Origin o, in Decision decision, string host, EventKind kind, string verdict, string reason, string rule, int status, long bytes, string? note)
    {
        metrics.Tunnel(verdict switch { "block" => "refuse", "error" => "error", _ => "splice" });
        metrics.Decision(FilterProxy.Metrics.GatewayMetrics.TunnelSource, verdict, decision);
        if (verdict != "block" && evaluator.Snapshot.Settings.HelpServices.Contains(host))
        {
            note = note is null ? HelpServices.VisitNote : $"{note}; {HelpServices.VisitNote}";
        }

        events.TryWrite(HttpEvents.Create(o, decision, new HttpEvents.Outcome(kind, verdict, reason, rule, status, bytes), host, "https", note: note));
    }
}
