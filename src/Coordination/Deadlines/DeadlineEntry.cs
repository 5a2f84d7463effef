using Coordination.Assessment;
using Coordination.Concerns;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Coordination.Deadlines;

/// <summary>One statutory deadline of one family, for the organisation-wide deadline list. Kept inline with the facts.</summary>
public sealed class DeadlineEntry
{
    /// <summary>The deadline's key, unique in the organisation.</summary>
    public string Id { get; set; } = "";
    public Guid FamilyId { get; set; }
    public Deadline Deadline { get; set; } = new();
}

/// <summary>One document per deadline, stored and updated by its key (the same key the family stream uses).</summary>
public sealed partial class DeadlineEntryProjection : EventProjection
{
    public DeadlineEntryProjection()
    {
        Name = "DeadlineEntries";
        Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;
    }

    public static void Project(IEvent<ConcernRaised> e, IDocumentOperations ops)
    {
        foreach (var deadline in DeadlineRules.ForConcern(e.Data))
        {
            ops.Store(Entry(deadline, e.StreamId));
        }
    }

    public static void Project(IEvent<AssessmentStarted> e, IDocumentOperations ops) =>
        ops.Store(Entry(DeadlineRules.ForAssessment(e.Data), e.StreamId));

    public static Task Project(UrgencyAssessed e, IDocumentOperations ops, CancellationToken ct) =>
        Meet(ops, DeadlineRules.Key(DeadlineKind.UrgencyAssessment, e.ConcernId), e.OccurredAt, ct);

    public static Task Project(ConcernDecided e, IDocumentOperations ops, CancellationToken ct) =>
        Meet(ops, DeadlineRules.Key(DeadlineKind.AssessmentDecision, e.ConcernId), e.OccurredAt, ct);

    public static Task Project(AssessmentConcluded e, IDocumentOperations ops, CancellationToken ct) =>
        Meet(ops, DeadlineRules.Key(DeadlineKind.AssessmentCompletion, e.AssessmentId), e.OccurredAt, ct);

    public static async Task Project(DeadlineMissed e, IDocumentOperations ops, CancellationToken ct)
    {
        if (await ops.LoadAsync<DeadlineEntry>(e.DeadlineKey, ct) is { } entry)
        {
            entry.Deadline.MissedRecorded = true;
            ops.Store(entry);
        }
    }

    private static async Task Meet(IDocumentOperations ops, string key, DateTimeOffset at, CancellationToken ct)
    {
        if (await ops.LoadAsync<DeadlineEntry>(key, ct) is { Deadline.MetOn: null } entry)
        {
            entry.Deadline.MeetAt(at);
            ops.Store(entry);
        }
    }

    private static DeadlineEntry Entry(Deadline d, Guid familyId) => new() { Id = d.Key, FamilyId = familyId, Deadline = d };
}

public static class DeadlinesStorage
{
    public static void ConfigureDeadlines(this StoreOptions opts)
    {
        opts.Projections.Add<DeadlineEntryProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<DeadlineEntry>().Index(d => d.Deadline.DueDate);
        opts.Schema.For<Reminder>();
    }
}
