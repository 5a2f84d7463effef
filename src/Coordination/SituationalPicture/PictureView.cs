using Coordination.Assessment;
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
    DateTimeOffset LastRecordedAt);

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

public sealed record DeadlineView(string Kind, Guid SubjectId, DateOnly DueDate, DeadlineState State, DateOnly? MetOn, string? ResponsibleId);

/// <summary>Cuts one viewer's picture from the whole. Pure: the picture, the viewer and the day in; the view out.</summary>
public static class PictureViews
{
    public const int TimelineLength = 30;

    public static PictureView For(Professional viewer, FamilyPicture p, DateTimeOffset now)
    {
        var today = FinnishCalendar.HelsinkiDate(now);
        var assessments = p.Assessments.Select(a => View(viewer, a)).ToList();
        return new PictureView(
            p.Id, p.Version, p.Children, p.Guardians, p.Municipality, p.Languages,
            OpenConcerns: p.Concerns.Where(c => c.Decision is null).ToList(),
            Concerns: p.Concerns,
            Assessment: assessments.LastOrDefault(a => a.Status == "running"),
            PastAssessments: assessments.Where(a => a.Status == "concluded").ToList(),
            Deadlines: p.Deadlines.Select(d => new DeadlineView(Kebab.Name(d.Kind), d.SubjectId, d.DueDate,
                DeadlineRules.StateOn(d, today), d.MetOn, d.ResponsibleId)).ToList(),
            ConsentsInForce: p.Consents.Where(c => c.InForceOn(now)).ToList(),
            p.Professionals,
            Timeline: p.Timeline.OrderByDescending(t => t.OccurredAt).Take(TimelineLength).ToList(),
            p.RegisteredAt, p.LastRecordedAt);
    }

    private static AssessmentView View(Professional viewer, PictureAssessment a) => new(
        a.AssessmentId, a.Conclusion is null ? "running" : "concluded", a.StartedAt, a.CompletionDue, a.Lead, a.ConcernIds,
        a.ChildIds, a.Invitations, a.Contributions.Select(c => Contribution(viewer, c)).ToList(), a.Hearings, a.Conclusion);

    /// <summary>ATL 26 § 2: a psychiatric entry is never shown silently outside child psychiatry.</summary>
    private static object Contribution(Professional viewer, PictureContribution c) =>
        c.Category == ContributionCategory.PsychiatricEntry && viewer.Agency != Agency.ChildPsychiatry
            ? new WithheldContribution(c.ContributionId, c.Agency, c.RecordedAt, true, "confirmation-required")
            : c;

    public static DateOnly Today(TimeProvider clock) => FinnishCalendar.HelsinkiDate(clock.GetUtcNow());
}
