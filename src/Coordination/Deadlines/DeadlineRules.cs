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
    public string? ResponsibleId { get; set; }
    /// <summary>The Helsinki date the deadline was met, from the fact's occurredAt (so a late-recorded fact still counts on time).</summary>
    public DateOnly? MetOn { get; set; }
    public bool MissedRecorded { get; set; }

    /// <summary>The first fact that meets a deadline counts, on the Helsinki date it happened (not when it was recorded).</summary>
    public void MeetAt(DateTimeOffset occurredAt) => MetOn ??= FinnishCalendar.HelsinkiDate(occurredAt);
}

public enum DeadlineState
{
    Open,
    DueSoon,
    Overdue,
    Met,
}

/// <summary>Which deadlines the law sets, and what state one is in on a given day. Pure.</summary>
public static class DeadlineRules
{
    public const int DecisionWorkingDays = 7;     // LsL 26 §
    public const int AssessmentMonths = 3;        // SHL 36 §, LsL 26 §

    public static string Key(DeadlineKind kind, Guid subjectId) => $"{Identity.Kebab.Name(kind)}:{subjectId:N}";

    public static DateOnly DecisionDue(DateTimeOffset receivedAt) =>
        FinnishCalendar.WorkingDaysAfter(FinnishCalendar.HelsinkiDate(receivedAt), DecisionWorkingDays);

    public static DateOnly CompletionDue(DateTimeOffset decidedAt) =>
        FinnishCalendar.MonthsAfter(FinnishCalendar.HelsinkiDate(decidedAt), AssessmentMonths);

    public static IEnumerable<Deadline> ForConcern(ConcernRaised e)
    {
        yield return new Deadline
        {
            Key = Key(DeadlineKind.UrgencyAssessment, e.ConcernId), Kind = DeadlineKind.UrgencyAssessment,
            SubjectId = e.ConcernId, DueDate = e.UrgencyDue,
        };
        yield return new Deadline
        {
            Key = Key(DeadlineKind.AssessmentDecision, e.ConcernId), Kind = DeadlineKind.AssessmentDecision,
            SubjectId = e.ConcernId, DueDate = e.DecisionDue,
        };
    }

    public static Deadline ForAssessment(AssessmentStarted e) => new()
    {
        Key = Key(DeadlineKind.AssessmentCompletion, e.AssessmentId), Kind = DeadlineKind.AssessmentCompletion,
        SubjectId = e.AssessmentId, DueDate = e.CompletionDue, ResponsibleId = e.By.Id,
    };

    /// <summary>The state on <paramref name="today"/> (a Helsinki date). Due soon: open and due within <paramref name="dueSoonDays"/> days.</summary>
    public static DeadlineState StateOn(Deadline deadline, DateOnly today, int dueSoonDays = 7)
    {
        if (deadline.MetOn is not null)
        {
            return DeadlineState.Met;
        }
        if (deadline.MissedRecorded || today > deadline.DueDate)
        {
            return DeadlineState.Overdue;
        }
        return deadline.DueDate.DayNumber - today.DayNumber <= dueSoonDays ? DeadlineState.DueSoon : DeadlineState.Open;
    }

    /// <summary>When the service checks whether a deadline passed unmet: the first moment after its due day, in Helsinki.</summary>
    public static DateTimeOffset CheckAt(Deadline deadline) => FinnishCalendar.StartOfHelsinkiDay(deadline.DueDate.AddDays(1));
}
