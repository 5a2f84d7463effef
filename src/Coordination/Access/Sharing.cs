using Coordination.Assessment;
using Coordination.Consent;
using Coordination.Identity;

namespace Coordination.Access;

/// <summary>What one viewer is shown of one contribution, and on what basis (docs/sharing.md).</summary>
public abstract record Disclosure
{
    private Disclosure()
    {
    }

    /// <summary>The viewer's own agency wrote it: no disclosure.</summary>
    public sealed record OwnRecord : Disclosure;

    /// <summary>Shown to another agency under a provision (<c>atl-64</c>, ...) or a consent (<c>consent:&lt;id&gt;</c>).</summary>
    public sealed record Shown(string Basis) : Disclosure;

    /// <summary>Withheld: <c>no-consent</c>, or <c>confirmation-required</c> for a psychiatric entry not yet confirmed.</summary>
    public sealed record Withheld(string Reason, string? Basis) : Disclosure;
}

/// <summary>A consent as the sharing rules need it.</summary>
public sealed record ConsentInForce(Guid ConsentId, IReadOnlyCollection<Agency> Recipients, IReadOnlyCollection<ConsentCategory> Categories);

/// <summary>
/// The sharing rules of docs/sharing.md, in one place. Pure: the viewer's agency, the contribution's owner agency,
/// category and legal basis, the consents in force at the moment of viewing, and whether this viewer has confirmed it.
/// </summary>
public static class Sharing
{
    public static Disclosure Decide(Agency viewer, Agency owner, ContributionCategory category, LegalBasis basis,
        IEnumerable<ConsentInForce> consents, bool confirmedByViewer)
    {
        if (viewer == owner)
        {
            return new Disclosure.OwnRecord();
        }
        if (viewer == Agency.Audit)
        {
            // Auditors reach contributions only through the audit routes (a replayed picture), and every look is logged.
            return new Disclosure.Shown("audit");
        }
        var allowedBy = ProvisionFor(viewer, owner, basis) ?? ConsentFor(viewer, category, consents);
        if (allowedBy is null)
        {
            return new Disclosure.Withheld("no-consent", null);
        }
        // ATL 26 § 2: a psychiatric entry outside psychiatry only behind a separate confirmation. Medication and risk
        // information is exempt from the gate, not from consent.
        if (category == ContributionCategory.PsychiatricEntry && viewer != Agency.ChildPsychiatry && !confirmedByViewer)
        {
            return new Disclosure.Withheld("confirmation-required", allowedBy);
        }
        return new Disclosure.Shown(allowedBy);
    }

    /// <summary>
    /// The content of a systemic discussion (reflections, hypotheses, agreed actions) is a record of the agency whose team
    /// held it (ATL 44 §). Its own agency reads it; so do those who took part, since they heard it; anyone else needs a
    /// consent in force for assessment contributions. There is no provision for it: it is not a contribution to the
    /// assessment the law asked for. Auditors read it on their own routes only.
    /// </summary>
    public static Disclosure DecideDiscussion(Agency viewer, string viewerId, Agency recorder, IReadOnlyCollection<string> participantIds,
        IEnumerable<ConsentInForce> consents)
    {
        if (viewer == recorder)
        {
            return new Disclosure.OwnRecord();
        }
        if (viewer == Agency.Audit)
        {
            return new Disclosure.Shown("audit");
        }
        if (participantIds.Contains(viewerId))
        {
            return new Disclosure.Shown("discussion-participant");
        }
        return ConsentFor(viewer, ContributionCategory.General, consents) is { } consent
            ? new Disclosure.Shown(consent)
            : new Disclosure.Withheld("no-consent", null);
    }

    /// <summary>
    /// What a school student-welfare system reported (OHL 40 §: confidential student-welfare data). Student welfare reads
    /// it as its own; social work reads it under the basis the school disclosed it on (LsL 25 §, ATL 64 §, the family's
    /// consent given at school); ATL 56 § opens it to everyone working with the child; anyone else needs a consent in
    /// force here for assessment contributions.
    /// </summary>
    public static Disclosure DecideSchoolReport(Agency viewer, SchoolWelfare.SchoolLegalBasis basis, IEnumerable<ConsentInForce> consents)
    {
        if (viewer == Agency.SchoolWelfare)
        {
            return new Disclosure.OwnRecord();
        }
        if (viewer == Agency.Audit)
        {
            return new Disclosure.Shown("audit");
        }
        if (basis == SchoolWelfare.SchoolLegalBasis.Atl56)
        {
            return new Disclosure.Shown("atl-56");
        }
        if (viewer == Agency.SocialWork)
        {
            return new Disclosure.Shown(basis == SchoolWelfare.SchoolLegalBasis.Consent ? "school-consent" : Kebab.Name(basis));
        }
        return ConsentFor(viewer, ContributionCategory.General, consents) is { } consent
            ? new Disclosure.Shown(consent)
            : new Disclosure.Withheld("no-consent", null);
    }

    /// <summary>The provisions that let data flow without consent, and to whom.</summary>
    private static string? ProvisionFor(Agency viewer, Agency owner, LegalBasis basis) => basis switch
    {
        // ATL 64 §: authorities and education providers give the assessing social worker what the assessment needs.
        LegalBasis.Atl64 when viewer == Agency.SocialWork => "atl-64",
        // ATL 53 § 5: health care to social welfare, for the assessment.
        LegalBasis.Atl53Section5 when viewer == Agency.SocialWork && owner == Agency.ChildPsychiatry => "atl-53-5",
        // ATL 56 §: what is essential in the child's interest goes to everyone working with the child.
        LegalBasis.Atl56 => "atl-56",
        _ => null,
    };

    private static string? ConsentFor(Agency viewer, ContributionCategory category, IEnumerable<ConsentInForce> consents)
    {
        var needed = category switch
        {
            ContributionCategory.PsychiatricEntry => ConsentCategory.PsychiatricEntries,
            ContributionCategory.MedicationAndRisk => ConsentCategory.MedicationAndRisk,
            _ => ConsentCategory.AssessmentContributions,
        };
        var consent = consents.FirstOrDefault(c => c.Recipients.Contains(viewer) && c.Categories.Contains(needed));
        return consent is null ? null : $"consent:{consent.ConsentId}";
    }
}
