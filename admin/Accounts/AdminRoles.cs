namespace FilterProxy.Admin.Accounts;

/// <summary>
/// What an admin account may do. An account holds one or more roles; every page and endpoint names the policy it
/// needs (<see cref="AdminPolicies"/>), checked on the server.
/// </summary>
public static class AdminRoles
{
    /// <summary>The Designated Safeguarding Lead (and deputies): alerts, pupils' histories, referral exports.</summary>
    public const string Dsl = "dsl";
    /// <summary>Profiles, lists, the URL tester, the review queue. Pupils' search terms and histories only when granted.</summary>
    public const string Technician = "technician";
    /// <summary>Approves policy changes and curriculum exceptions; reads reports and the audit trail.</summary>
    public const string SeniorLeader = "senior-leader";
    /// <summary>Aggregate reports and health only: no personal data.</summary>
    public const string Viewer = "viewer";
    /// <summary>Manages admin accounts.</summary>
    public const string Administrator = "administrator";

    /// <summary>A grant (not a role): lets a technician or viewer read pupils' search terms and histories.</summary>
    public const string PupilDataGrant = "pupil-data";

    public static readonly IReadOnlyList<string> All = [Dsl, Technician, SeniorLeader, Viewer, Administrator];

    public static string Title(string role) => role switch
    {
        Dsl => "Designated Safeguarding Lead",
        Technician => "Technician",
        SeniorLeader => "Senior leader (approver)",
        Viewer => "Viewer",
        Administrator => "Administrator (accounts)",
        _ => role,
    };
}

/// <summary>The authorisation policies the UI's pages and endpoints require.</summary>
public static class AdminPolicies
{
    /// <summary>Alerts: the DSL only.</summary>
    public const string Safeguarding = "safeguarding";
    /// <summary>Pupils' histories and search terms: the DSL, or an account granted pupil data.</summary>
    public const string PupilData = "pupil-data";
    /// <summary>Profiles, the URL tester, lists, proposing changes.</summary>
    public const string Technician = "technician";
    /// <summary>Approving a change someone else proposed.</summary>
    public const string Approver = "approver";
    /// <summary>Aggregate reports: every role.</summary>
    public const string Reports = "reports";
    /// <summary>The audit trail: DSL, senior leaders and administrators.</summary>
    public const string Audit = "audit";
    /// <summary>Accounts.</summary>
    public const string Administrator = "administrator";
}
