using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Coordination.SystemicTeams;

/// <summary>
/// The team's systemic record of one family: discussions with their participants and reflections, every version of every
/// hypothesis, agreed actions and their completion. Client data (ATL 44 §): cut per viewer by
/// <see cref="Access.Sharing.Decide"/> before anyone sees it. Rewritten only by discussion facts.
/// </summary>
public sealed class SystemicRecord
{
    public Guid Id { get; set; }
    public List<DiscussionEntry> Discussions { get; set; } = [];
    public List<HypothesisEntry> Hypotheses { get; set; } = [];
    public List<ActionEntry> Actions { get; set; } = [];

    public DiscussionEntry Discussion(Guid id) => Discussions.First(d => d.DiscussionId == id);
}

public sealed record DiscussionEntry(Guid DiscussionId, Guid TeamId, Guid? MeetingId, IReadOnlyList<string> ParticipantIds,
    string? Reflections, Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

public sealed class HypothesisEntry
{
    public Guid HypothesisId { get; set; }
    public List<HypothesisRevision> Revisions { get; set; } = [];
}

public sealed record HypothesisRevision(int Revision, Guid DiscussionId, string Text, HypothesisStatus Status, IReadOnlyList<long> EvidenceVersions,
    Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

public sealed class ActionEntry
{
    public Guid ActionId { get; set; }
    public Guid DiscussionId { get; set; }
    public string Description { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public DateOnly DueBy { get; set; }
    public Actor AgreedBy { get; set; } = null!;
    public DateTimeOffset AgreedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public Actor? CompletedBy { get; set; }
    public string? CompletionNote { get; set; }
}

public sealed partial class SystemicRecordProjection : SingleStreamProjection<SystemicRecord, Guid>
{
    public SystemicRecordProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static SystemicRecord Create(IEvent<SystemicDiscussionRecorded> e)
    {
        var record = new SystemicRecord { Id = e.StreamId };
        Apply(e, record);
        return record;
    }

    public static void Apply(IEvent<SystemicDiscussionRecorded> e, SystemicRecord r)
    {
        var d = e.Data;
        r.Discussions.Add(new DiscussionEntry(d.DiscussionId, d.TeamId, d.MeetingId, d.ParticipantIds, d.Reflections, d.By, d.OccurredAt,
            e.Recorded()));
    }

    public static void Apply(IEvent<HypothesisRecorded> e, SystemicRecord r)
    {
        var d = e.Data;
        var hypothesis = r.Hypotheses.Find(h => h.HypothesisId == d.HypothesisId);
        if (hypothesis is null)
        {
            hypothesis = new HypothesisEntry { HypothesisId = d.HypothesisId };
            r.Hypotheses.Add(hypothesis);
        }
        hypothesis.Revisions.Add(new HypothesisRevision(d.Revision, d.DiscussionId, d.Text, d.Status, d.EvidenceVersions, d.By, d.OccurredAt,
            e.Recorded()));
    }

    public static void Apply(ActionAgreed e, SystemicRecord r) => r.Actions.Add(new ActionEntry
    {
        ActionId = e.ActionId, DiscussionId = e.DiscussionId, Description = e.Description, OwnerId = e.OwnerId, DueBy = e.DueBy,
        AgreedBy = e.By, AgreedAt = e.OccurredAt,
    });

    public static void Apply(ActionCompleted e, SystemicRecord r)
    {
        var action = r.Actions.First(a => a.ActionId == e.ActionId);
        action.CompletedAt = e.OccurredAt;
        action.CompletedBy = e.By;
        action.CompletionNote = e.Note;
    }
}
