using Coordination.Assessment;
using Coordination.Consent;
using Coordination.Identity;
using Coordination.SchoolWelfare;

namespace Coordination.Access;

/// <summary>What one viewer is shown of one datum, and on what basis (docs/sharing.md).</summary>
public abstract record Disclosure
{
    private Disclosure()
    {
    }

    /// <summary>The viewer's own agency owns it: no disclosure.</summary>
    public sealed record OwnRecord : Disclosure;

    /// <summary>Shown to another agency under a provision (<c>atl-64</c>, ...), a consent (<c>consent:&lt;id&gt;</c>) or a relationship.</summary>
    public sealed record Shown(string Basis) : Disclosure;

    /// <summary>Withheld: <c>no-consent</c>, or <c>confirmation-required</c> for a psychiatric entry not yet confirmed.</summary>
    public sealed record Withheld(string Reason, string? Basis) : Disclosure;

    public bool IsShown => this is not Withheld;
}

/// <summary>
/// A consent in force, as the gate needs it: whom it names, for what, and whose data it covers. A guardian consents for
/// the family's children; a child (old enough) for themself only (docs/sharing.md §2).
/// </summary>
/// <param name="Until">When it ceased (withdrawn, or its last day over), if it has by now: in a replay of an earlier moment,
/// what was recorded after that never flowed under it, whatever date it was given.</param>
public sealed record ConsentInForce(Guid ConsentId, Guid GivenBy, bool ByGuardian, IReadOnlyCollection<Agency> Recipients,
    IReadOnlyCollection<ConsentCategory> Categories, DateTimeOffset? Until = null)
{
    public bool Covers(Guid childId) => ByGuardian || GivenBy == childId;

    /// <summary>A datum recorded while the consent was in force (or of unknown recording time) can flow under it.</summary>
    public bool Carries(Datum datum) => Until is not { } until || datum.RecordedAt is not { } recorded || recorded < until;
}

/// <summary>
/// One piece of client data as the gate judges it: who owns it and whom it is about (its subjects, the children), with
/// what each kind of datum adds. The rows of docs/sharing.md §3 are decided on these and nothing else.
/// </summary>
public abstract record Datum(Agency Owner, IReadOnlyCollection<Guid> Subjects)
{
    /// <summary>When it was recorded: a consent carries only what was recorded while it was in force (docs/sharing.md §2).</summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>F: the family record: who the family is, who works with it, the structure and dates of every item.</summary>
    public sealed record FamilyRecord() : Datum(Agency.SocialWork, []);

    /// <summary>C: a contribution's text, by its agency, category and basis; <paramref name="ConfirmedBy"/> who passed the ATL 26 § 2 gate.</summary>
    public sealed record Contribution(Agency Owner, IReadOnlyCollection<Guid> Subjects, ContributionCategory Category, LegalBasis Basis,
        IReadOnlyCollection<string> ConfirmedBy) : Datum(Owner, Subjects);

    /// <summary>N: a case record (a concern's content, reasoning, a hearing, the conclusion, an invitation's question).</summary>
    /// <param name="AlsoShownTo">An agency the record is for besides its owner (the invited agency, social work), and on what basis.</param>
    public sealed record CaseRecord(Agency Owner, IReadOnlyCollection<Guid> Subjects, Agency? AlsoShownTo = null, string? AlsoBasis = null)
        : Datum(Owner, Subjects);

    /// <summary>D: the systemic record of a discussion (reflections, hypotheses, actions), about the whole family.</summary>
    public sealed record Discussion(Agency Owner, IReadOnlyCollection<Guid> Subjects, IReadOnlyCollection<string> ParticipantIds)
        : Datum(Owner, Subjects);

    /// <summary>S: what a school student-welfare system reported about its pupil, under the basis the school named.</summary>
    public sealed record SchoolReport(IReadOnlyCollection<Guid> Subjects, SchoolLegalBasis Basis) : Datum(Agency.SchoolWelfare, Subjects);

    /// <summary>A hearing recorded by <paramref name="by"/>: social work reads it as heard for its assessment (ATL 64 §, 53 § 5).</summary>
    public static CaseRecord Hearing(Agency by, Guid childId) =>
        new(by, [childId], Agency.SocialWork, by == Agency.ChildPsychiatry ? "atl-53-5" : "atl-64");

    /// <summary>An invitation's question: social work's, asked of the invited agency (SHL 41 §).</summary>
    public static CaseRecord Invitation(Agency invited, IReadOnlyCollection<Guid> children) => new(Agency.SocialWork, children, invited, "shl-41");

    /// <summary>
    /// A systemic team's discussion of the family (ATL 44 §): the record of child protection, whose teams they are, whoever
    /// of the team typed it; about every child of the family.
    /// </summary>
    public static Discussion SystemicRecord(IReadOnlyCollection<Guid> children, IReadOnlyCollection<string> participantIds) =>
        new(Agency.SocialWork, children, participantIds);

    /// <summary>A concern's content, urgency reasoning, decision reason or conclusion: the child welfare record's (LsL 25 §, 26 §; SHL 37 §).</summary>
    public static CaseRecord SocialWorkRecord(IReadOnlyCollection<Guid> children) => new(Agency.SocialWork, children);
}

/// <summary>
/// The sharing gate: the one decision, per datum, of what a viewer sees (docs/sharing.md §3). Pure: the viewer, the
/// datum and the consents in force at the moment of viewing in; shown (and on what basis) or withheld (and why) out.
/// Call it only after the viewer's relationship with the family has been established (or for an auditor on an audit
/// route): it cuts what a related viewer sees, it does not decide whether they see the family at all.
/// </summary>
public static class Sharing
{
    public const string Audit = "audit";
    public const string ClientRelationship = "client-relationship";
    public const string NoConsent = "no-consent";
    public const string ConfirmationRequired = "confirmation-required";

    public static Disclosure Decide(Professional viewer, Datum datum, IReadOnlyCollection<ConsentInForce> consents)
    {
        if (viewer.Agency == Agency.Audit)
        {
            return new Disclosure.Shown(Audit); // A1: auditors reach data only through the audit routes, every look logged
        }
        if (viewer.Agency == datum.Owner)
        {
            return new Disclosure.OwnRecord(); // F1, C1, N1, D1, S1
        }
        return datum switch
        {
            Datum.FamilyRecord => new Disclosure.Shown(ClientRelationship), // F2
            Datum.Contribution c => DecideContribution(viewer, c, consents),
            Datum.CaseRecord r when r.AlsoShownTo == viewer.Agency => new Disclosure.Shown(r.AlsoBasis!), // N2
            Datum.Discussion d when d.ParticipantIds.Contains(viewer.Id) => new Disclosure.Shown("discussion-participant"), // D2
            Datum.SchoolReport s => DecideSchoolReport(viewer, s, consents),
            _ => ByConsent(viewer, ContributionCategory.General, datum, consents), // N3, D3
        };
    }

    private static Disclosure DecideContribution(Professional viewer, Datum.Contribution c, IReadOnlyCollection<ConsentInForce> consents)
    {
        var allowedBy = ProvisionFor(viewer.Agency, c.Owner, c.Basis) ?? ConsentFor(viewer.Agency, c.Category, c, consents);
        if (allowedBy is null)
        {
            return new Disclosure.Withheld(NoConsent, null); // C6
        }
        // C7, ATL 26 § 2: a psychiatric entry outside psychiatry only behind a separate confirmation. Medication and risk
        // information is exempt from the gate, not from consent.
        if (c.Category == ContributionCategory.PsychiatricEntry && viewer.Agency != Agency.ChildPsychiatry && !c.ConfirmedBy.Contains(viewer.Id))
        {
            return new Disclosure.Withheld(ConfirmationRequired, allowedBy);
        }
        return new Disclosure.Shown(allowedBy); // C2-C5
    }

    /// <summary>OHL 40 §: student-welfare data is confidential; the school names the basis it discloses it under.</summary>
    private static Disclosure DecideSchoolReport(Professional viewer, Datum.SchoolReport s, IReadOnlyCollection<ConsentInForce> consents)
    {
        if (s.Basis == SchoolLegalBasis.Atl56)
        {
            return new Disclosure.Shown("atl-56"); // S2
        }
        if (viewer.Agency == Agency.SocialWork)
        {
            return new Disclosure.Shown(s.Basis == SchoolLegalBasis.Consent ? "school-consent" : Kebab.Name(s.Basis)); // S3
        }
        return ByConsent(viewer, ContributionCategory.General, s, consents); // S4, S5
    }

    private static Disclosure ByConsent(Professional viewer, ContributionCategory category, Datum datum, IReadOnlyCollection<ConsentInForce> consents) =>
        ConsentFor(viewer.Agency, category, datum, consents) is { } consent
            ? new Disclosure.Shown(consent)
            : new Disclosure.Withheld(NoConsent, null);

    /// <summary>The provisions that let a contribution flow without consent, and to whom.</summary>
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

    /// <summary>
    /// The consents that together cover every subject of a datum for this agency and category (docs/sharing.md §2), or
    /// null. A datum about nobody in particular needs a guardian's consent. Only consents the datum could flow under count:
    /// recorded while they were in force.
    /// </summary>
    private static string? ConsentFor(Agency viewer, ContributionCategory category, Datum datum, IReadOnlyCollection<ConsentInForce> consents)
    {
        var subjects = datum.Subjects;
        var needed = category switch
        {
            ContributionCategory.PsychiatricEntry => ConsentCategory.PsychiatricEntries,
            ContributionCategory.MedicationAndRisk => ConsentCategory.MedicationAndRisk,
            _ => ConsentCategory.AssessmentContributions,
        };
        var usable = consents.Where(c => c.Recipients.Contains(viewer) && c.Categories.Contains(needed) && c.Carries(datum)).ToList();
        var relied = new List<Guid>();
        if (subjects.Count == 0)
        {
            if (usable.FirstOrDefault(c => c.ByGuardian) is not { } guardian)
            {
                return null;
            }
            relied.Add(guardian.ConsentId);
        }
        foreach (var subject in subjects)
        {
            // A consent already relied on for another child is preferred, so one guardian's consent is logged once.
            var consent = usable.Where(c => c.Covers(subject)).OrderBy(c => relied.Contains(c.ConsentId) ? 0 : 1).FirstOrDefault();
            if (consent is null)
            {
                return null;
            }
            if (!relied.Contains(consent.ConsentId))
            {
                relied.Add(consent.ConsentId);
            }
        }
        return "consent:" + string.Join(",", relied);
    }
}

/// <summary>Something shown to an agency other than its owner, and on what basis: one disclosure-log entry.</summary>
public sealed record SharedDatum(string Data, Agency Owner, string Basis, IReadOnlyCollection<Guid> Subjects);

/// <summary>
/// One answer's pass through the gate: every datum it shows is decided here, and every disclosure it makes is collected
/// for the log, so an answer cannot show a datum without its entry.
/// </summary>
public sealed class SharingCut(Professional viewer, IReadOnlyList<ConsentInForce> consents)
{
    private readonly List<SharedDatum> _shared = [];
    private readonly HashSet<string> _seen = [];

    public Professional Viewer => viewer;

    public IReadOnlyList<SharedDatum> Shared => _shared;

    /// <summary>Decides <paramref name="datum"/>, named <paramref name="data"/> in the log, and records its disclosure if it is one.</summary>
    public Disclosure Decide(string data, Datum datum)
    {
        var decision = Sharing.Decide(viewer, datum, consents);
        if (decision is Disclosure.Shown shown && _seen.Add(data))
        {
            _shared.Add(new SharedDatum(data, datum.Owner, shown.Basis, datum.Subjects));
        }
        return decision;
    }

    /// <summary>The frame of one family (F): always shown to a related viewer; a disclosure to another agency.</summary>
    public void Frame(string data = "family-record") => Decide(data, new Datum.FamilyRecord());

    /// <summary>The disclosure-log entries of everything this answer showed outside its owning agency.</summary>
    public IEnumerable<Audit.AccessLogEntry> Disclosures(Guid? familyId, string purpose) =>
        _shared.Select(d => Audit.AccessLogEntry.Disclosed(viewer, familyId, d.Data, d.Owner, d.Basis, purpose, subjects: d.Subjects));

    /// <summary>
    /// The log of a list that shows only the frame (F) of each family it names (deadlines, reminders, team views): a use per
    /// family listed and, for a viewer of another agency than social work, the frame's disclosure (F2); one use when it named none.
    /// </summary>
    public static IReadOnlyList<Audit.AccessLogEntry> FramesListed(Professional viewer, IEnumerable<Guid> familyIds, string data, string purpose)
    {
        var entries = new List<Audit.AccessLogEntry>();
        foreach (var familyId in familyIds.Distinct())
        {
            var cut = new SharingCut(viewer, []);
            cut.Frame();
            entries.Add(Audit.AccessLogEntry.Use(viewer, familyId, data, purpose));
            entries.AddRange(cut.Disclosures(familyId, purpose));
        }
        return entries.Count > 0 ? entries : [Audit.AccessLogEntry.Use(viewer, null, data, purpose)];
    }
}
