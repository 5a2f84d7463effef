using Coordination.Assessment;
using Coordination.Calendar;
using Coordination.Concerns;

namespace Coordination.Deadlines;

/// <summary>A statutory deadline of one family, as the write model and the picture keep it.</summary>
public sealed class Deadline
{
    public string Key { get; set; } = "";
    public DeadlineKind Kind { get; set; }
    public Guid SubjectId { get; set; }
    public DateOnly DueDate { get; set; }
    /// <summary>Who is to meet it (<see cref="DeadlineLedger"/> says who); null while it is the intake's, nobody's by name.</summary>
    public string? ResponsibleId { get; set; }
    /// <summary>The Helsinki date the deadline was met, from the fact's occurredAt (so a late-recorded fact still counts on time).</summary>
    public DateOnly? MetOn { get; set; }
    public bool MissedRecorded { get; set; }

    /// <summary>The first fact that meets a deadline counts, on the Helsinki date it happened (not when it was recorded).</summary>
    public void MeetAt(DateTimeOffset occurredAt) => MetOn ??= FinnishCalendar.HelsinkiDate(occurredAt);

    public Deadline Copy() => (Deadline)MemberwiseClone();
}

public enum DeadlineState
{
    Open,
    DueSoon,
    Overdue,
    Met,
    /// <summary>Met, but after its due date: its miss is a fact (<see cref="DeadlineMissed"/>) from the moment it passed.</summary>
    MetLate,
}

/// <summary>Which deadlines the law sets, and what state one is in on a given day. Pure.</summary>
public static class DeadlineRules
{
    public const int DecisionWorkingDays = 7;     // LsL 26 §
    public const int AssessmentMonths = 3;        // SHL 36 §, LsL 26 § 5

    public static string Key(DeadlineKind kind, Guid subjectId) => $"{Identity.Kebab.Name(kind)}:{subjectId:N}";

    public static DateOnly DecisionDue(DateTimeOffset receivedAt) =>
        FinnishCalendar.WorkingDaysAfter(FinnishCalendar.HelsinkiDate(receivedAt), DecisionWorkingDays);

    /// <summary>
    /// SHL 36 §, LsL 26 § 5: three months from the day the matter became pending, the Helsinki date the concern that opened
    /// the assessment was received (not the decision to start it); on the next working day if that is not one.
    /// </summary>
    public static DateOnly CompletionDue(DateTimeOffset pendingSince) =>
        FinnishCalendar.MonthsAfter(FinnishCalendar.HelsinkiDate(pendingSince), AssessmentMonths);

    /// <summary>
    /// When an assessment's matter became pending: the receipt of the earliest of the concerns it started from. Later
    /// concerns joined to it do not move the clock. Falls back to the start itself for a concern the model does not know.
    /// </summary>
    public static DateTimeOffset PendingSince(AssessmentStarted e, Func<Guid, DateTimeOffset?> receivedAt) =>
        e.ConcernIds.Select(receivedAt).OfType<DateTimeOffset>().DefaultIfEmpty(e.OccurredAt).Min();

    public static IEnumerable<Deadline> ForConcern(ConcernRaised e, string? responsibleId = null)
    {
        yield return new Deadline
        {
            Key = Key(DeadlineKind.UrgencyAssessment, e.ConcernId), Kind = DeadlineKind.UrgencyAssessment,
            SubjectId = e.ConcernId, DueDate = e.UrgencyDue, ResponsibleId = responsibleId,
        };
        yield return new Deadline
        {
            Key = Key(DeadlineKind.AssessmentDecision, e.ConcernId), Kind = DeadlineKind.AssessmentDecision,
            SubjectId = e.ConcernId, DueDate = e.DecisionDue, ResponsibleId = responsibleId,
        };
    }

    /// <summary>The completion deadline, counted from <paramref name="pendingSince"/> (not from the event's own CompletionDue, see docs/events.md).</summary>
    public static Deadline ForAssessment(AssessmentStarted e, DateTimeOffset pendingSince) => new()
    {
        Key = Key(DeadlineKind.AssessmentCompletion, e.AssessmentId), Kind = DeadlineKind.AssessmentCompletion,
        SubjectId = e.AssessmentId, DueDate = CompletionDue(pendingSince), ResponsibleId = e.By.Id,
    };

    /// <summary>The state on <paramref name="today"/> (a Helsinki date). Due soon: open and due within <paramref name="dueSoonDays"/> days.</summary>
    public static DeadlineState StateOn(Deadline deadline, DateOnly today, int dueSoonDays = 7)
    {
        if (deadline.MetOn is { } met)
        {
            return met > deadline.DueDate ? DeadlineState.MetLate : DeadlineState.Met;
        }
        if (deadline.MissedRecorded || today > deadline.DueDate)
        {
            return DeadlineState.Overdue;
        }
        return deadline.DueDate.DayNumber - today.DayNumber <= dueSoonDays ? DeadlineState.DueSoon : DeadlineState.Open;
    }

    /// <summary>
    /// How many working days late a deadline was met: the working days after its due date up to the day it was met, a day
    /// that is no working day counting as the next working day (met on the Saturday after a Friday due date: 1). Null when
    /// not met late.
    /// </summary>
    public static int? WorkingDaysLate(Deadline deadline) =>
        deadline.MetOn is { } met && met > deadline.DueDate
            ? FinnishCalendar.WorkingDaysBetween(deadline.DueDate, FinnishCalendar.OnOrNextWorkingDay(met))
            : null;

    /// <summary>When the service checks whether a deadline passed unmet: the first moment after its due day, in Helsinki.</summary>
    public static DateTimeOffset CheckAt(Deadline deadline) => FinnishCalendar.StartOfHelsinkiDay(deadline.DueDate.AddDays(1));

    /// <summary>The deadline has passed unmet, or was met after it passed, as known at <paramref name="now"/>.</summary>
    public static bool Passed(Deadline deadline, DateTimeOffset now) =>
        deadline.MetOn is { } met ? met > deadline.DueDate : FinnishCalendar.HelsinkiDate(now) > deadline.DueDate;
}
