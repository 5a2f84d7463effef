using Coordination.Access;
using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.Identity;

namespace Coordination.SituationalPicture;

public sealed record PictureView(
    Guid FamilyId,
    long Version,
    IReadOnlyList<PictureMember> Children,
    IReadOnlyList<PictureMember> Guardians,
    string? Municipality,
    IReadOnlyList<string> Languages,
    IReadOnlyList<PictureConcern> OpenConcerns,
    IReadOnlyList<PictureConcern> Concerns,
    AssessmentView? Assessment,
    IReadOnlyList<AssessmentView> PastAssessments,
    IReadOnlyList<DeadlineView> Deadlines,
    IReadOnlyList<PictureConsent> ConsentsInForce,
    IReadOnlyList<Involvement> Professionals,
    IReadOnlyList<TimelineEntry> Timeline,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastRecordedAt,
    TeamAllocation? Team,
    IReadOnlyList<SystemicTeams.HypothesisView> Hypotheses,
    IReadOnlyList<object> OpenActions,
    IReadOnlyList<object> SchoolReports);

/// <summary>A school report this viewer may not read: that it exists, its kind, the child, when it came.</summary>
public sealed record WithheldSchoolReport(Guid ReportId, string Type, Guid ChildId, string SchoolName, DateTimeOffset RecordedAt, bool Withheld,
    string Reason);

public sealed record AssessmentView(
    Guid AssessmentId,
    string Status,
    DateTimeOffset StartedAt,
    DateOnly CompletionDue,
    Actor Lead,
    IReadOnlyList<Guid> ConcernIds,
    IReadOnlyList<Guid> ChildIds,
    IReadOnlyList<PictureInvitation> Invitations,
    IReadOnlyList<object> Contributions,
    IReadOnlyList<PictureHearing> Hearings,
    ConclusionRecord? Conclusion);

/// <summary>A contribution this viewer may not read: only that it exists, whose it is and when it was recorded.</summary>
public sealed record WithheldContribution(Guid ContributionId, Agency Agency, DateTimeOffset RecordedAt, bool Withheld, string Reason);

/// <summary>A contribution the viewer may read, with its content.</summary>
public sealed record ContributionView(
    Guid ContributionId,
    Guid? InvitationId,
    Agency Agency,
    Actor Author,
    IReadOnlyList<Guid> ChildIds,
    string Summary,
    string? Observations,
    Assessment.ContributionCategory Category,
    Assessment.LegalBasis LegalBasis,
    Guid? Supersedes,
    Guid? SupersededBy,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt)
{
    public static ContributionView Of(PictureContribution c, ContributionContent content) => new(c.ContributionId, c.InvitationId,
        c.Agency, c.Author, content.ChildIds, content.Summary, content.Observations, c.Category, c.LegalBasis, c.Supersedes,
        c.SupersededBy, c.OccurredAt, c.RecordedAt);
}

/// <summary>A contribution shown to a viewer of another agency, and the basis it was shown on (for the disclosure log).</summary>
public sealed record SharedContribution(PictureContribution Contribution, string SharedUnder);

public sealed record DeadlineView(string Kind, Guid SubjectId, DateOnly DueDate, DeadlineState State, DateOnly? MetOn, string? ResponsibleId);

/// <summary>One viewer's picture, and what in it left its owning agency (for the disclosure log).</summary>
/// <param name="DisclosedRecords">Other records that left their agency: discussion content, school reports.</param>
public sealed record ViewerPicture(PictureView View, IReadOnlyList<SharedContribution> Disclosed,
    IReadOnlyList<SystemicTeams.SharedDiscussionContent> DisclosedRecords)
{
    /// <summary>The disclosure-log entries for everything in this picture that left its owning agency.</summary>
    public IEnumerable<Audit.AccessLogEntry> Disclosures(Professional viewer, Guid familyId, string purpose) =>
        Disclosed.Select(d => Audit.AccessLogEntry.Disclosed(viewer, familyId, $"contribution:{d.Contribution.ContributionId}",
                d.Contribution.Agency, d.SharedUnder, purpose))
            .Concat(DisclosedRecords.Select(d => Audit.AccessLogEntry.Disclosed(viewer, familyId, d.Data, d.Owner, d.Basis, purpose)));
}

/// <summary>Cuts one viewer's picture from the whole (docs/sharing.md). Pure: picture, viewer and moment in; the view out.</summary>
public static class PictureViews
{
    public const int TimelineLength = 30;

    /// <summary>The contributions whose content this viewer may read now: the only ones whose text is loaded.</summary>
    public static IReadOnlyList<Guid> Readable(Professional viewer, FamilyPicture p, DateTimeOffset now)
    {
        var consents = ConsentsInForce(p, now).Select(c => c.AsConsentInForce()).ToList();
        return p.Assessments.SelectMany(a => a.Contributions)
            .Where(c => Decide(viewer, c, consents) is Disclosure.OwnRecord or Disclosure.Shown)
            .Select(c => c.ContributionId).ToList();
    }

    public static ViewerPicture For(Professional viewer, FamilyPicture p, DateTimeOffset now,
        IReadOnlyDictionary<Guid, ContributionContent> contents, SystemicTeams.SystemicRecord? systemic)
    {
        var today = FinnishCalendar.HelsinkiDate(now);
        var consentsInForce = ConsentsInForce(p, now);
        var consents = consentsInForce.Select(c => c.AsConsentInForce()).ToList();
        var disclosed = new List<SharedContribution>();
        var assessments = p.Assessments.Select(a => View(viewer, a, consents, contents, disclosed)).ToList();
        var team = SystemicTeams.SystemicViews.For(viewer, systemic, consents);
        // The picture shows the hypotheses the team holds now; GET /hypotheses has every version.
        var current = team.Hypotheses.Where(h => h.Current?.Status != SystemicTeams.HypothesisStatus.Discarded)
            .Select(h => h with { Revisions = h.Revisions.TakeLast(1).ToList() }).ToList();
        var view = new PictureView(
            p.Id, p.Version, p.Children, p.Guardians, p.Municipality, p.Languages,
            OpenConcerns: p.Concerns.Where(c => c.Decision is null).ToList(),
            Concerns: p.Concerns,
            Assessment: assessments.LastOrDefault(a => a.Status == "running"),
            PastAssessments: assessments.Where(a => a.Status == "concluded").ToList(),
            Deadlines: p.Deadlines.Select(d => new DeadlineView(Kebab.Name(d.Kind), d.SubjectId, d.DueDate,
                DeadlineRules.StateOn(d, today), d.MetOn, d.ResponsibleId)).ToList(),
            ConsentsInForce: consentsInForce,
            p.Professionals,
            Timeline: p.Timeline.OrderByDescending(t => t.OccurredAt).Take(TimelineLength).ToList(),
            p.RegisteredAt, p.LastRecordedAt, p.Team, current, team.OpenActions, SchoolReports: []);
        var disclosedRecords = new List<SystemicTeams.SharedDiscussionContent>();
        var reports = new List<object>();
        foreach (var report in p.SchoolReports.OrderByDescending(r => r.OccurredAt))
        {
            switch (Sharing.DecideSchoolReport(viewer.Agency, report.Message.LegalBasis, consents))
            {
                case Disclosure.Withheld withheld:
                    reports.Add(new WithheldSchoolReport(report.ReportId, Kebab.Name(report.Type), report.ChildId, report.Message.School.Name,
                        report.RecordedAt, true, withheld.Reason));
                    break;
                case Disclosure.Shown shown:
                    disclosedRecords.Add(new SystemicTeams.SharedDiscussionContent($"school-report:{report.ReportId}", Agency.SchoolWelfare, shown.Basis));
                    reports.Add(report);
                    break;
                default:
                    reports.Add(report);
                    break;
            }
        }
        view = view with { SchoolReports = reports };
        var shownRevisions = current.SelectMany(h => h.Revisions.OfType<SystemicTeams.HypothesisRevisionView>()
            .Select(r => $"hypothesis:{h.HypothesisId}:{r.Revision}")).ToHashSet();
        disclosedRecords.AddRange(team.Disclosed.Where(d => !d.Data.StartsWith("hypothesis:", StringComparison.Ordinal)
                                                            || shownRevisions.Contains(d.Data)));
        return new ViewerPicture(view, disclosed, disclosedRecords);
    }

    private static List<PictureConsent> ConsentsInForce(FamilyPicture p, DateTimeOffset now) => p.Consents.Where(c => c.InForceOn(now)).ToList();

    private static Disclosure Decide(Professional viewer, PictureContribution c, IReadOnlyList<ConsentInForce> consents) =>
        Sharing.Decide(viewer.Agency, c.Agency, c.Category, c.LegalBasis, consents, c.ConfirmedBy.Contains(viewer.Id));

    private static AssessmentView View(Professional viewer, PictureAssessment a, IReadOnlyList<ConsentInForce> consents,
        IReadOnlyDictionary<Guid, ContributionContent> contents, List<SharedContribution> disclosed) => new(
        a.AssessmentId, a.Conclusion is null ? "running" : "concluded", a.StartedAt, a.CompletionDue, a.Lead, a.ConcernIds,
        a.ChildIds, a.Invitations, a.Contributions.Select(c => Contribution(viewer, c, consents, contents, disclosed)).ToList(),
        a.Hearings, a.Conclusion);

    private static object Contribution(Professional viewer, PictureContribution c, IReadOnlyList<ConsentInForce> consents,
        IReadOnlyDictionary<Guid, ContributionContent> contents, List<SharedContribution> disclosed)
    {
        var decision = Decide(viewer, c, consents);
        if (decision is Disclosure.Withheld withheld)
        {
            return new WithheldContribution(c.ContributionId, c.Agency, c.RecordedAt, true, withheld.Reason);
        }
        if (decision is Disclosure.Shown shown)
        {
            disclosed.Add(new SharedContribution(c, shown.Basis));
        }
        return ContributionView.Of(c, contents[c.ContributionId]);
    }

    public static DateOnly Today(TimeProvider clock) => FinnishCalendar.HelsinkiDate(clock.GetUtcNow());
}
