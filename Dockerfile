# syntax=docker/dockerfile:1
# FilterProxy gateway: multi-stage build, small runtime image, non-root, with a health check.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm restores the admin UI's chart library during the build (admin/package-lock.json pins it).
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first from the project files alone, so source edits reuse the restore layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY core/FilterProxy.Core.csproj core/
COPY admin/FilterProxy.Admin.csproj admin/package.json admin/package-lock.json admin/
COPY classifier/FilterProxy.Classifier.csproj classifier/
COPY events/FilterProxy.Events.csproj events/
COPY identity/FilterProxy.Identity.csproj identity/
COPY proxy/FilterProxy.csproj proxy/
COPY proxy/Properties/PublishProfiles/gateway.pubxml proxy/Properties/PublishProfiles/
RUN dotnet restore proxy/FilterProxy.csproj -p:PublishProfile=gateway
COPY core/ core/
COPY admin/ admin/
COPY classifier/ classifier/
COPY events/ events/
COPY identity/ identity/
COPY proxy/ proxy/
# proxy/Properties/PublishProfiles/gateway.pubxml: self-contained, the app and the runtime precompiled together
# (composite ReadyToRun), so a fresh container answers near full speed without a JIT warm-up. The benchmarks use it too.
RUN dotnet publish proxy/FilterProxy.csproj -c Release -p:PublishProfile=gateway -o /app --no-restore

# Self-contained: the runtime comes with the app, so the image needs only the runtime's native dependencies.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
# OpenLDAP's client library: System.DirectoryServices.Protocols loads it for proxy sign-in against the directory.
RUN apt-get update \
    && (apt-get install -y --no-install-recommends libldap2 || apt-get install -y --no-install-recommends libldap-2.5-0) \
    && rm -rf /var/lib/apt/lists/*
# Lists, the embedded store and the school CA live in one volume owned by the non-root user.
RUN mkdir -p /var/lib/filterproxy && chown "$APP_UID" /var/lib/filterproxy
WORKDIR /var/lib/filterproxy
COPY --from=build /app /app
ENV FILTERPROXY__dataDirectory=/var/lib/filterproxy
USER $APP_UID
VOLUME /var/lib/filterproxy
# 3128 explicit proxy, 5300 DNS (UDP and TCP), 8080 admin UI and API, 8443 DNS-over-HTTPS. Transparent mode
# (listen.transparentHttpPort/HttpsPort) needs the host's network (--network host) for SO_ORIGINAL_DST.
EXPOSE 3128 5300/tcp 5300/udp 8080 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/app/FilterProxy", "health"]
ENTRYPOINT ["/app/FilterProxy"]
