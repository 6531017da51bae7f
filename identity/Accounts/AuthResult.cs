using FilterProxy.Core.Identity;

namespace FilterProxy.Identity.Accounts;

public enum AuthOutcome
{
    Success,
    /// <summary>Unknown user or wrong password (never said which).</summary>
    WrongPassword,
    /// <summary>Too many failures for this user name within the lockout window.</summary>
    LockedOut,
    /// <summary>The directory could not be reached or answered with an error: fail closed.</summary>
    Unavailable,
}

/// <summary>The answer to a sign-in: the person on success, else why not (for the 407 page).</summary>
public sealed record AuthResult(AuthOutcome Outcome, Person? Person = null, string? Detail = null)
{
    public static readonly AuthResult Wrong = new(AuthOutcome.WrongPassword);
    public static readonly AuthResult Locked = new(AuthOutcome.LockedOut);
}
