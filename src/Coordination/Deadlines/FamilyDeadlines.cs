using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Families;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace Coordination.Deadlines;

/// <summary>
/// One family's statutory deadlines, for the organisation-wide deadline list. An aggregation of the family's own facts,
/// kept inline: it reads nothing while it is built, so a rebuild reproduces it exactly.
/// </summary>
public sealed class FamilyDeadlines
{
    public Guid Id { get; set; }
    public List<Deadline> Deadlines { get; set; } = [];
}

public sealed partial class FamilyDeadlinesProjection : SingleStreamProjection<FamilyDeadlines, Guid>
{
    public FamilyDeadlinesProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static FamilyDeadlines Create(IEvent<FamilyRegistered> e) => new() { Id = e.StreamId };

    public static void Apply(ConcernRaised e, FamilyDeadlines d) => d.Deadlines.AddRange(DeadlineRules.ForConcern(e));

    public static void Apply(AssessmentStarted e, FamilyDeadlines d) => d.Deadlines.Add(DeadlineRules.ForAssessment(e));

    public static void Apply(UrgencyAssessed e, FamilyDeadlines d) => Meet(d, DeadlineKind.UrgencyAssessment, e.ConcernId, e.OccurredAt);

    public static void Apply(ConcernDecided e, FamilyDeadlines d) => Meet(d, DeadlineKind.AssessmentDecision, e.ConcernId, e.OccurredAt);

    public static void Apply(AssessmentConcluded e, FamilyDeadlines d) => Meet(d, DeadlineKind.AssessmentCompletion, e.AssessmentId, e.OccurredAt);

    public static void Apply(DeadlineMissed e, FamilyDeadlines d)
    {
        if (d.Deadlines.Find(x => x.Key == e.DeadlineKey) is { } deadline)
        {
            deadline.MissedRecorded = true;
        }
    }

    private static void Meet(FamilyDeadlines d, DeadlineKind kind, Guid subjectId, DateTimeOffset at) =>
        d.Deadlines.Find(x => x.Key == DeadlineRules.Key(kind, subjectId))?.MeetAt(at);
}

public static class DeadlinesStorage
{
    public static void ConfigureDeadlines(this StoreOptions opts)
    {
        opts.Projections.Add<FamilyDeadlinesProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<Reminder>();
    }
}
