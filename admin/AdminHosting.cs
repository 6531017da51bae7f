using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Alerts;
using FilterProxy.Admin.Assets;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Admin.Reviews;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin;

/// <summary>Where the admin UI keeps its own state, and how strict it is.</summary>
public sealed record AdminOptions
{
    /// <summary><c>&lt;data&gt;/admin</c>: accounts, pending changes, settings, the cookie keys.</summary>
    public required string Directory { get; init; }

    /// <summary>PBKDF2 iterations for admin passwords (the default everywhere but fast tests).</summary>
    public int PasswordIterations { get; init; } = FilterProxy.Identity.Accounts.PasswordHasher.DefaultIterations;
}

/// <summary>
/// Adds the admin UI (Razor Pages, cookie sign-in, roles) to a host. The gateway hosts it in-process on the admin port;
/// the host provides <see cref="IPolicyAdmin"/> (how a change takes effect), the event store, alert service and feed.
/// </summary>
public static class AdminHosting
{
    public static IServiceCollection AddFilterProxyAdminUi(this IServiceCollection services, AdminOptions options)
    {
        services.AddSingleton(options);
        // Accounts, cookie keys and pending changes: owner-only from the start.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(options.Directory);
        }
        else
        {
            Directory.CreateDirectory(options.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        services.AddSingleton<ReviewQueue>();
        services.AddSingleton<FilterProxy.Admin.Keywords.SchoolKeywords>();
        services.AddSingleton(sp => new AdminAccountStore(options.Directory, sp.GetRequiredService<TimeProvider>(), options.PasswordIterations));
        services.AddSingleton(sp => new PolicyChangeService(options, sp.GetRequiredService<IPolicyAdmin>(), sp.GetRequiredService<FilterProxy.Core.Events.IEventStore>(),
            sp.GetRequiredService<TimeProvider>(), key => sp.GetRequiredService<PolicyLists>().ListJson(key)));
        services.AddSingleton<PolicyLists>();
        services.AddSingleton<FilterProxy.Admin.Reports.ComplianceService>();
        services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.Directory, "keys")))
            .SetApplicationName("FilterProxy.Admin");
        services.AddSingleton<AdminSessions>();
        services.AddOptions<CookieAuthenticationOptions>(AdminSignIn.Scheme).Configure<AdminSessions>(AdminSessions.Configure);
        services.AddAuthentication(AdminSignIn.Scheme).AddCookie(AdminSignIn.Scheme, o =>
        {
            o.Cookie.Name = "filterproxy-admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(AdminSignIn.IdleMinutes);
            o.SlidingExpiration = true;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/denied";
            o.Events.OnValidatePrincipal = AdminSignIn.ValidateAsync;
            o.Events.OnRedirectToLogin = c => AdminSignIn.Redirect(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => AdminSignIn.Redirect(c, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.Safeguarding, p => p.RequireRole(AdminRoles.Dsl))
            .AddPolicy(AdminPolicies.PupilData, p => p.RequireRole(AdminRoles.Dsl, AdminRoles.PupilDataGrant))
            .AddPolicy(AdminPolicies.Technician, p => p.RequireRole(AdminRoles.Technician))
            .AddPolicy(AdminPolicies.Approver, p => p.RequireRole(AdminRoles.SeniorLeader))
            .AddPolicy(AdminPolicies.Reports, p => p.RequireRole(AdminRoles.All.ToArray()))
            .AddPolicy(AdminPolicies.Audit, p => p.RequireRole(AdminRoles.Dsl, AdminRoles.SeniorLeader, AdminRoles.Administrator))
            .AddPolicy(AdminPolicies.Administrator, p => p.RequireRole(AdminRoles.Administrator));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "filterproxy-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages().AddApplicationPart(typeof(AdminHosting).Assembly);
        return services;
    }

    /// <summary>Authentication and authorisation for the admin's endpoints (after the proxy's own middleware).</summary>
    public static IApplicationBuilder UseFilterProxyAdminUi(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapFilterProxyAdminUi(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        AssetEndpoints.Map(app);
        LiveAlerts.Map(app);
        ExportEndpoints.Map(app);
        return app;
    }
}
