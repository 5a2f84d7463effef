using System.Security.Claims;

namespace Coordination.Identity;

/// <summary>Agencies as the contract spells them (claim <c>agency</c>).</summary>
public enum Agency
{
    SocialWork,
    ChildPsychiatry,
    SchoolWelfare,
    FamilyWork,
    Audit,
    Integration,
    /// <summary>The service itself, for facts it records (a missed deadline). Never valid in a token.</summary>
    System,
}

/// <summary>Roles as the contract spells them (claim <c>role</c>).</summary>
public enum Role
{
    Caseworker,
    ResponsibleSocialWorker,
    ConsultantSocialWorker,
    Clinician,
    Coordinator,
    Auditor,
    IntegrationClient,
    Admin,
}

/// <summary>Who did something: carried by every event so the record says who acted for which agency and organisation.</summary>
public sealed record Actor(string Id, string Name, Agency Agency, string Organisation)
{
    /// <summary>The service, when it records a fact no person did (a deadline that passed).</summary>
    public static Actor Service(string organisation) => new("coordination", "Coordination (deadline monitor)", Agency.System, organisation);
}

/// <summary>The authenticated caller, read from the bearer token's claims.</summary>
public sealed record Professional(string Id, string Name, string Organisation, Agency Agency, IReadOnlySet<Role> Roles)
{
    public Actor AsActor() => new(Id, Name, Agency, Organisation);

    public bool Has(Role role) => Roles.Contains(role);

    /// <summary>The agencies that work with clients; audit and integration callers do not.</summary>
    public bool OfCaseworkingAgency => Agency is Agency.SocialWork or Agency.ChildPsychiatry or Agency.SchoolWelfare or Agency.FamilyWork;

    /// <summary>
    /// Works with clients: a case-working agency and a case-working role. Records and contributes (docs/sharing.md §6);
    /// a coordinator or admin role alone does not.
    /// </summary>
    public bool IsCaseworker => OfCaseworkingAgency
                                && (Has(Role.Caseworker) || Has(Role.ResponsibleSocialWorker) || Has(Role.ConsultantSocialWorker) || Has(Role.Clinician));

    /// <summary>
    /// Holds client relationships (ATL 9 §) and so may see families it relates to: a case worker, or a team coordinator
    /// (who prepares the team's meetings). Auditors, admins and integration clients hold none.
    /// </summary>
    public bool IsCaseworkingProfessional => IsCaseworker || (OfCaseworkingAgency && Has(Role.Coordinator));

    /// <summary>The organisation's social-work admin: manages systemic teams (child protection's) and sees the whole organisation's deadlines.</summary>
    public bool IsSocialWorkAdmin => Agency == Agency.SocialWork && Has(Role.Admin);

    /// <summary>A social worker: the statutory decisions of child welfare are theirs (LsL 26-27 §, SHL 36-37 §).</summary>
    public bool IsSocialWorker => Agency == Agency.SocialWork
                                  && (Has(Role.Caseworker) || Has(Role.ResponsibleSocialWorker) || Has(Role.ConsultantSocialWorker));

    /// <summary>Null when a claim the contract requires is missing or carries a value we do not know.</summary>
    public static Professional? FromClaims(ClaimsPrincipal user)
    {
        var sub = user.FindFirstValue(Claims.Subject);
        var name = user.FindFirstValue(Claims.Name);
        var org = user.FindFirstValue(Claims.Organisation);
        var agencyText = user.FindFirstValue(Claims.Agency);
        if (string.IsNullOrWhiteSpace(sub) || string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(org)
            || !Kebab.TryParse<Agency>(agencyText, out var agency) || agency == Agency.System)
        {
            return null;
        }
        var roles = new HashSet<Role>();
        foreach (var claim in user.FindAll(Claims.Role))
        {
            if (!Kebab.TryParse<Role>(claim.Value, out var role))
            {
                return null;
            }
            roles.Add(role);
        }
        return new Professional(sub, name, org, agency, roles);
    }
}

public static class Claims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Organisation = "org";
    public const string Agency = "agency";
    public const string Role = "role";
}
