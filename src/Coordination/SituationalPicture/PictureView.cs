using Coordination.Access;
using Coordination.Assessment;
using Coordination.Concerns;
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
    IReadOnlyList<ConcernView> OpenConcerns,
    IReadOnlyList<ConcernView> Concerns,
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
    [property: Hosting.OneOfItems(typeof(SystemicTeams.ActionView), typeof(SystemicTeams.WithheldAction))] IReadOnlyList<object> OpenActions,
    [property: Hosting.OneOfItems(typeof(PictureSchoolReport), typeof(WithheldSchoolReport))] IReadOnlyList<object> SchoolReports);

/// <summary>A school report this viewer may not read: that it exists, its kind, the child, when it came.</summary>
public sealed record WithheldSchoolReport(Guid ReportId, SchoolWelfare.SchoolMessageType Type, Guid ChildId, string SchoolName, DateTimeOffset RecordedAt, bool Withheld,
    string Reason);

/// <summary>
/// A concern as this viewer may see it: its structure always (docs/sharing.md F); its content, the urgency reasoning and the
/// decision's reason (N) only where the gate allows, else null with <c>withheld</c> and the reason.
/// </summary>
public sealed record ConcernView(
    Guid ConcernId,
    IReadOnlyList<Guid> ChildIds,
    ConcernKind Kind,
    DateTimeOffset ReceivedAt,
    ConcernSourceView Source,
    string? Description,
    SuspectedOffence? SuspectedOffence,
    bool? PoliceReported,
    DateOnly DecisionDue,
    Actor? RecordedBy,
    UrgencyView? Urgency,
    DecisionView? Decision,
    SchoolWelfare.ReceivedMessage? Via,
    bool Withheld,
    string? Reason)
{
    public static ConcernView Of(PictureConcern c, Disclosure decision)
    {
        var shown = decision.IsShown;
        return new ConcernView(c.ConcernId, c.ChildIds, c.Kind, c.ReceivedAt,
            new ConcernSourceView(c.Source.Agency, shown ? c.Source.Organisation : null, shown ? c.Source.ReporterRole : null,
                shown ? c.Source.Anonymous : null),
            shown ? c.Description : null, shown ? c.SuspectedOffence : null, shown ? c.PoliceReported : null, c.DecisionDue,
            shown ? c.RecordedBy : null,
            c.Urgency is { } u ? new UrgencyView(u.Urgent, shown ? u.Reasoning : null, u.AssessedAt, u.By) : null,
            c.Decision is { } d ? new DecisionView(d.Decision, shown ? d.Reason : null, d.DecidedAt, d.ChildAndGuardianInformedAt, d.AssessmentId, d.By) : null,
            shown ? c.Via : null, !shown, (decision as Disclosure.Withheld)?.Reason); // the school it came from is the notifier's
    }
}

public sealed record ConcernSourceView(SourceAgency Agency, string? Organisation, string? ReporterRole, bool? Anonymous);

public sealed record UrgencyView(bool Urgent, string? Reasoning, DateTimeOffset AssessedAt, Actor By);

public sealed record DecisionView(ConcernDecision Decision, string? Reason, DateTimeOffset DecidedAt, DateTimeOffset? ChildAndGuardianInformedAt,
    Guid? AssessmentId, Actor By);

public sealed record AssessmentView(
    Guid AssessmentId,
    string Status,
    DateTimeOffset StartedAt,
    DateOnly CompletionDue,
    Actor Lead,
    IReadOnlyList<Guid> ConcernIds,
    IReadOnlyList<Guid> ChildIds,
    IReadOnlyList<InvitationView> Invitations,
    [property: Hosting.OneOfItems(typeof(ContributionView), typeof(WithheldContribution))] IReadOnlyList<object> Contributions,
    IReadOnlyList<HearingView> Hearings,
    ConclusionView? Conclusion);

/// <summary>An invitation: its question is for social work and the invited agency (SHL 41 §), for others only under consent.</summary>
public sealed record InvitationView(Guid InvitationId, Agency Agency, string? ProfessionalId, string? Question, DateOnly? RespondBy,
    DateTimeOffset InvitedAt, IReadOnlyList<Guid> AnsweredBy, bool Withheld, string? Reason);

/// <summary>A child hearing (LsL 20 §): that, when and how the child was heard always; what the child said only where the gate allows.</summary>
public sealed record HearingView(Guid HearingId, Guid ChildId, DateTimeOffset HeardAt, HearingMethod? Method, string? Views,
    string? NotHeardReason, Actor By, bool Withheld, string? Reason);

/// <summary>The conclusion (SHL 37 §): its outcome and responsible worker always; its summary and the client's opinion only where the gate allows.</summary>
public sealed record ConclusionView(AssessmentOutcome Outcome, string? Summary, string? ClientOpinion, bool? NamedWorkerNeeded,
    string? ResponsibleSocialWorkerId, DateTimeOffset ConcludedAt, Actor By, bool Withheld, string? Reason);

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

/// <param name="WorkingDaysLate">For <c>met-late</c>: how many working days after its due date it was met (<see cref="DeadlineRules.WorkingDaysLate"/>).</param>
public sealed record DeadlineView(string Kind, Guid SubjectId, DateOnly DueDate, DeadlineState State, DateOnly? MetOn, string? ResponsibleId,
    int? WorkingDaysLate);

/// <summary>One viewer's picture, and what in it left its owning agency (for the disclosure log).</summary>
public sealed record ViewerPicture(PictureView View, IReadOnlyList<SharedDatum> Disclosed)
{
    /// <summary>The disclosure-log entries for everything in this picture that left its owning agency.</summary>
    public IEnumerable<Audit.AccessLogEntry> Disclosures(Professional viewer, Guid familyId, string purpose) =>
        Disclosed.Select(d => Audit.AccessLogEntry.Disclosed(viewer, familyId, d.Data, d.Owner, d.Basis, purpose, subjects: d.Subjects));
}

/// <summary>
/// Cuts one viewer's picture from the whole through the sharing gate (docs/sharing.md). Pure: picture, viewer and moment
/// in; the view and its disclosures out.
/// </summary>
public static class PictureViews
{
    public const int TimelineLength = 30;

    /// <summary>The contributions whose content this viewer may read now: the only ones whose text is loaded.</summary>
    public static IReadOnlyList<Guid> Readable(Professional viewer, FamilyPicture p, DateTimeOffset now,
        IReadOnlyDictionary<Guid, DateTimeOffset?>? ceasing = null)
    {
        var consents = Consents(p, now, ceasing);
        return p.Assessments.SelectMany(a => a.Contributions)
            .Where(c => Sharing.Decide(viewer, Data.Of(c), consents) is Disclosure.OwnRecord or Disclosure.Shown)
            .Select(c => c.ContributionId).ToList();
    }

    /// <param name="ceasing">
    /// For a replay of an earlier moment: when each consent ceased as far as is known (its withdrawal may have happened
    /// after that moment). A consent carries only what was recorded while it was in force (docs/sharing.md §2).
    /// </param>
    public static ViewerPicture For(Professional viewer, FamilyPicture p, DateTimeOffset now,
        IReadOnlyDictionary<Guid, ContributionContent> contents, SystemicTeams.SystemicRecord? systemic,
        IReadOnlyDictionary<Guid, DateTimeOffset?>? ceasing = null)
    {
        var today = FinnishCalendar.HelsinkiDate(now);
        var cut = new SharingCut(viewer, Consents(p, now, ceasing));
        cut.Frame();
        var children = p.AllChildIds();
        var concerns = p.Concerns.Select(c => ConcernView.Of(c, cut.Decide($"concern:{c.ConcernId}", Data.Of(c)))).ToList();
        var assessments = p.Assessments.Select(a => View(cut, a, contents)).ToList();
        var team = SystemicTeams.SystemicViews.For(cut, systemic, children, currentOnly: true);
        var reports = p.SchoolReports.OrderByDescending(r => r.OccurredAt).Select(r => SchoolReport(cut, r)).ToList();
        var view = new PictureView(
            p.Id, p.Version, p.Children, p.Guardians, p.Municipality, p.Languages,
            OpenConcerns: concerns.Where(c => c.Decision is null).ToList(),
            Concerns: concerns,
            Assessment: assessments.LastOrDefault(a => a.Status == "running"),
            PastAssessments: assessments.Where(a => a.Status == "concluded").ToList(),
            Deadlines: p.Deadlines.Select(d => new DeadlineView(Kebab.Name(d.Kind), d.SubjectId, d.DueDate,
                DeadlineRules.StateOn(d, today), d.MetOn, d.ResponsibleId, DeadlineRules.WorkingDaysLate(d))).ToList(),
            ConsentsInForce: p.ConsentsInForceOn(now),
            p.Professionals,
            Timeline: p.Timeline.OrderByDescending(t => t.OccurredAt).Take(TimelineLength).ToList(),
            p.RegisteredAt, p.LastRecordedAt, p.Team, team.Hypotheses, team.OpenActions, reports);
        return new ViewerPicture(view, cut.Shared);
    }

    private static IReadOnlyList<ConsentInForce> Consents(FamilyPicture p, DateTimeOffset moment, IReadOnlyDictionary<Guid, DateTimeOffset?>? ceasing) =>
        [.. p.SharingConsents(moment).Select(c => ceasing is not null && ceasing.TryGetValue(c.ConsentId, out var until) ? c with { Until = until } : c)];

    private static object SchoolReport(SharingCut cut, PictureSchoolReport report) =>
        cut.Decide($"school-report:{report.ReportId}", Data.Of(report)) is Disclosure.Withheld withheld
            ? new WithheldSchoolReport(report.ReportId, report.Type, report.ChildId, report.Message.School.Name, report.RecordedAt, true,
                withheld.Reason)
            : report;

    private static AssessmentView View(SharingCut cut, PictureAssessment a, IReadOnlyDictionary<Guid, ContributionContent> contents) => new(
        a.AssessmentId, a.Conclusion is null ? "running" : "concluded", a.StartedAt, a.CompletionDue, a.Lead, a.ConcernIds, a.ChildIds,
        a.Invitations.Select(i =>
        {
            var decision = cut.Decide($"invitation:{i.InvitationId}", Datum.Invitation(i.Agency, a.ChildIds) with { RecordedAt = i.RecordedAt });
            return new InvitationView(i.InvitationId, i.Agency, i.ProfessionalId, decision.IsShown ? i.Question : null, i.RespondBy, i.InvitedAt,
                i.AnsweredBy, !decision.IsShown, (decision as Disclosure.Withheld)?.Reason);
        }).ToList(),
        a.Contributions.Select(c => Contribution(cut, c, contents)).ToList(),
        a.Hearings.Select(h =>
        {
            var decision = cut.Decide($"hearing:{h.HearingId}", Datum.Hearing(h.By.Agency, h.ChildId) with { RecordedAt = h.RecordedAt });
            return new HearingView(h.HearingId, h.ChildId, h.HeardAt, h.Method, decision.IsShown ? h.Views : null,
                decision.IsShown ? h.NotHeardReason : null, h.By, !decision.IsShown, (decision as Disclosure.Withheld)?.Reason);
        }).ToList(),
        a.Conclusion is { } c ? Conclusion(cut, a, c) : null);

    private static ConclusionView Conclusion(SharingCut cut, PictureAssessment a, ConclusionRecord c)
    {
        var decision = cut.Decide($"conclusion:{a.AssessmentId}", Datum.SocialWorkRecord(a.ChildIds) with { RecordedAt = c.RecordedAt });
        var shown = decision.IsShown;
        return new ConclusionView(c.Outcome, shown ? c.Summary : null, shown ? c.ClientOpinion : null, shown ? c.NamedWorkerNeeded : null,
            c.ResponsibleSocialWorkerId, c.ConcludedAt, c.By, !shown, (decision as Disclosure.Withheld)?.Reason);
    }

    private static object Contribution(SharingCut cut, PictureContribution c, IReadOnlyDictionary<Guid, ContributionContent> contents) =>
        cut.Decide($"contribution:{c.ContributionId}", Data.Of(c)) is Disclosure.Withheld withheld
            ? new WithheldContribution(c.ContributionId, c.Agency, c.RecordedAt, true, withheld.Reason)
            : ContributionView.Of(c, contents[c.ContributionId]);

    public static DateOnly Today(TimeProvider clock) => FinnishCalendar.HelsinkiDate(clock.GetUtcNow());
}

/// <summary>The datum each part of the picture is, for the gate: one place, so the picture and the history judge a fact alike.</summary>
public static class Data
{
    public static Datum.Contribution Of(PictureContribution c) =>
        new(c.Agency, c.ChildIds, c.Category, c.LegalBasis, c.ConfirmedBy) { RecordedAt = c.RecordedAt };

    public static Datum.SchoolReport Of(PictureSchoolReport r) => new([r.ChildId], r.Message.LegalBasis) { RecordedAt = r.RecordedAt };

    public static Datum.CaseRecord Of(PictureConcern c) => Datum.SocialWorkRecord(c.ChildIds) with { RecordedAt = c.RecordedAt };
}
