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
RUN dotnet restore proxy/FilterProxy.csproj -r linux-x64
COPY core/ core/
COPY admin/ admin/
COPY classifier/ classifier/
COPY events/ events/
COPY identity/ identity/
COPY proxy/ proxy/
# ReadyToRun: precompiled code, so a fresh container answers at full speed without a JIT warm-up.
RUN dotnet publish proxy/FilterProxy.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
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
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "/app/FilterProxy.dll", "health"]
ENTRYPOINT ["dotnet", "/app/FilterProxy.dll"]
