using Coordination.Assessment;
using Coordination.Calendar;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace Coordination.Reports;

/// <summary>
/// One family's matters and assessments with their statutory clocks, and when each fact of them was recorded: what the
/// processing-times report (THL, LsL 26 §) counts, "as known at" any moment. No names, no case text. An inline aggregation
/// of the family's own facts that reads nothing else and no clock, so a rebuild reproduces it exactly.
/// </summary>
public sealed class ProcessingRecord
{
    public Guid Id { get; set; }
    public List<MatterRecord> Matters { get; set; } = [];
    public List<AssessmentRecord> Assessments { get; set; } = [];

    /// <summary>The earliest receipt of a matter: a family whose first matter came after a period adds nothing to it.</summary>
    public DateOnly ActiveFrom { get; set; } = DateOnly.MaxValue;

    /// <summary>
    /// The latest day the family's figures can change on: the latest receipt, and the day each conclusion was recorded
    /// (until then the assessment counts as open); <see cref="DateOnly.MaxValue"/> while an assessment is open.
    /// </summary>
    public DateOnly ActiveUntil { get; set; } = DateOnly.MinValue;

    public void Refresh()
    {
        var dates = Matters.Select(m => m.ReceivedOn)
            .Concat(Assessments.Select(a => a is { ConcludedKnownAt: { } known, ConcludedOn: { } on }
                ? Later(FinnishCalendar.HelsinkiDate(known), on)
                : DateOnly.MaxValue))
            .ToList();
        ActiveFrom = Matters.Count == 0 ? DateOnly.MaxValue : Matters.Min(m => m.ReceivedOn);
        ActiveUntil = dates.Count == 0 ? DateOnly.MinValue : dates.Max();
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}

/// <summary>A matter: one concern, counted once for each child it names, from the day it became pending.</summary>
public sealed class MatterRecord
{
    public Guid ConcernId { get; set; }
    public int Children { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>The Helsinki date of receipt: the matter counts in the period holding it.</summary>
    public DateOnly ReceivedOn { get; set; }
    public DateOnly DecisionDue { get; set; }
    public DateTimeOffset KnownAt { get; set; }
    /// <summary>The school message it came as (<c>senderId/messageId</c>), which the intake counted until it was processed.</summary>
    public string? ViaMessage { get; set; }
    public DateOnly? DecidedOn { get; set; }
    public DateTimeOffset? DecidedKnownAt { get; set; }
}

/// <summary>A service-need assessment: counted in the period it was concluded in, or as open past its deadline.</summary>
public sealed class AssessmentRecord
{
    public Guid AssessmentId { get; set; }
    public DateOnly StartedOn { get; set; }
    /// <summary>Three months from the day its first matter became pending (<see cref="DeadlineRules.CompletionDue"/>).</summary>
    public DateOnly CompletionDue { get; set; }
    public DateTimeOffset KnownAt { get; set; }
    public DateOnly? ConcludedOn { get; set; }
    public DateTimeOffset? ConcludedKnownAt { get; set; }
}

public sealed partial class ProcessingRecordProjection : SingleStreamProjection<ProcessingRecord, Guid>
{
    public ProcessingRecordProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static ProcessingRecord Create(IEvent<FamilyRegistered> e) => new() { Id = e.StreamId };

    public static void Apply(IEvent<ConcernRaised> e, ProcessingRecord r)
    {
        var d = e.Data;
        r.Matters.Add(new MatterRecord
        {
            ConcernId = d.ConcernId, Children = d.ChildIds.Count, ReceivedAt = d.ReceivedAt,
            ReceivedOn = FinnishCalendar.HelsinkiDate(d.ReceivedAt), DecisionDue = d.DecisionDue, KnownAt = e.Recorded(),
            ViaMessage = d.Via is { } via ? SchoolWelfare.InboundMessage.KeyOf(via.SenderId, via.MessageId) : null,
        });
        r.Refresh();
    }

    public static void Apply(IEvent<ConcernDecided> e, ProcessingRecord r)
    {
        if (r.Matters.Find(m => m.ConcernId == e.Data.ConcernId) is { DecidedOn: null } matter)
        {
            matter.DecidedOn = FinnishCalendar.HelsinkiDate(e.Data.OccurredAt);
            matter.DecidedKnownAt = e.Recorded();
        }
    }

    public static void Apply(IEvent<AssessmentStarted> e, ProcessingRecord r)
    {
        var pendingSince = DeadlineRules.PendingSince(e.Data, id => r.Matters.Find(m => m.ConcernId == id)?.ReceivedAt);
        r.Assessments.Add(new AssessmentRecord
        {
            AssessmentId = e.Data.AssessmentId, StartedOn = FinnishCalendar.HelsinkiDate(e.Data.OccurredAt),
            CompletionDue = DeadlineRules.CompletionDue(pendingSince), KnownAt = e.Recorded(),
        });
        r.Refresh();
    }

    public static void Apply(IEvent<AssessmentConcluded> e, ProcessingRecord r)
    {
        if (r.Assessments.Find(a => a.AssessmentId == e.Data.AssessmentId) is { ConcludedOn: null } assessment)
        {
            assessment.ConcludedOn = FinnishCalendar.HelsinkiDate(e.Data.OccurredAt);
            assessment.ConcludedKnownAt = e.Recorded();
        }
        r.Refresh();
    }
}

public static class ReportsStorage
{
    public static void ConfigureReports(this StoreOptions opts)
    {
        opts.Projections.Add<ProcessingRecordProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        // The report reads only the families whose figures can fall in its period (tenant first: one county's rows).
        opts.Schema.For<ProcessingRecord>().Duplicate(r => r.ActiveFrom).Duplicate(r => r.ActiveUntil);
    }
}
