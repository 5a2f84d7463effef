using Coordination.Access;
using Coordination.Identity;

namespace Coordination.SystemicTeams;

public sealed record EvidenceView(long FamilyVersion);

public sealed record HypothesisRevisionView(int Revision, Guid DiscussionId, HypothesisStatus Status, string Text,
    IReadOnlyList<EvidenceView> Evidence, Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>A version of a hypothesis this viewer may not read: that it exists and when, nothing of its content.</summary>
public sealed record WithheldRevision(int Revision, Guid DiscussionId, DateTimeOffset RecordedAt, bool Withheld, string Reason);

/// <param name="Current">The latest version, when the viewer may read it.</param>
public sealed record HypothesisView(Guid HypothesisId, HypothesisRevisionView? Current,
    [property: Hosting.OneOfItems(typeof(HypothesisRevisionView), typeof(WithheldRevision))] IReadOnlyList<object> Revisions);

public sealed record ActionView(Guid ActionId, Guid DiscussionId, string Description, string OwnerId, DateOnly DueBy, Actor AgreedBy,
    DateTimeOffset AgreedAt, DateTimeOffset? CompletedAt, string? CompletionNote);

public sealed record WithheldAction(Guid ActionId, DateTimeOffset AgreedAt, bool Withheld, string Reason);

public sealed record DiscussionView(Guid DiscussionId, Guid TeamId, Guid? MeetingId, IReadOnlyList<string> ParticipantIds, string? Reflections,
    IReadOnlyList<RecordedHypothesis> Hypotheses, IReadOnlyList<Guid> ActionIds, Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>A discussion this viewer may not read: that it took place, when, and who took part (ATL 44 §), nothing said in it.</summary>
public sealed record WithheldDiscussion(Guid DiscussionId, Guid TeamId, IReadOnlyList<string> ParticipantIds, DateTimeOffset OccurredAt,
    bool Withheld, string Reason);

public sealed record SystemicView(IReadOnlyList<HypothesisView> Hypotheses,
    [property: Hosting.OneOfItems(typeof(ActionView), typeof(WithheldAction))] IReadOnlyList<object> OpenActions);

/// <summary>Cuts the systemic record for one viewer through the sharing gate (docs/sharing.md, table D). Pure.</summary>
public static class SystemicViews
{
    /// <summary>Every discussion of the family, newest first, with its reflections where the viewer may read them.</summary>
    /// <param name="children">The family's children: a discussion is about all of them.</param>
    public static IReadOnlyList<object> Discussions(SharingCut cut, SystemicRecord? record, IReadOnlyCollection<Guid> children)
    {
        if (record is null)
        {
            return [];
        }
        return record.Discussions.OrderByDescending(d => d.OccurredAt).Select(d =>
        {
            if (cut.Decide($"discussion:{d.DiscussionId}", Of(d, children)) is Disclosure.Withheld withheld)
            {
                return (object)new WithheldDiscussion(d.DiscussionId, d.TeamId, d.ParticipantIds, d.OccurredAt, true, withheld.Reason);
            }
            var hypotheses = record.Hypotheses.SelectMany(h => h.Revisions.Where(r => r.DiscussionId == d.DiscussionId)
                .Select(r => new RecordedHypothesis(h.HypothesisId, r.Revision))).ToList();
            var actions = record.Actions.Where(a => a.DiscussionId == d.DiscussionId).Select(a => a.ActionId).ToList();
            return new DiscussionView(d.DiscussionId, d.TeamId, d.MeetingId, d.ParticipantIds, d.Reflections, hypotheses, actions, d.By,
                d.OccurredAt, d.RecordedAt);
        }).ToList();
    }

    /// <summary>
    /// Every hypothesis with its versions (or, for the picture, <paramref name="currentOnly"/>: the latest version of those not
    /// discarded) and the open actions, each as the viewer may see it.
    /// </summary>
    public static SystemicView For(SharingCut cut, SystemicRecord? record, IReadOnlyCollection<Guid> children, bool currentOnly = false)
    {
        if (record is null)
        {
            return new SystemicView([], []);
        }
        Disclosure Decide(string data, Guid discussionId, DateTimeOffset recordedAt) =>
            cut.Decide(data, Of(record.Discussion(discussionId), children) with { RecordedAt = recordedAt });

        var hypotheses = new List<HypothesisView>();
        foreach (var h in record.Hypotheses)
        {
            HypothesisRevisionView? current = null;
            var revisions = new List<object>();
            foreach (var r in currentOnly ? h.Revisions.TakeLast(1) : h.Revisions)
            {
                if (Decide($"hypothesis:{h.HypothesisId}:{r.Revision}", r.DiscussionId, r.RecordedAt) is Disclosure.Withheld withheld)
                {
                    current = null;
                    revisions.Add(new WithheldRevision(r.Revision, r.DiscussionId, r.RecordedAt, true, withheld.Reason));
                    continue;
                }
                current = new HypothesisRevisionView(r.Revision, r.DiscussionId, r.Status, r.Text,
                    r.EvidenceVersions.Select(v => new EvidenceView(v)).ToList(), r.By, r.OccurredAt, r.RecordedAt);
                revisions.Add(current);
            }
            if (!(currentOnly && current?.Status == HypothesisStatus.Discarded))
            {
                hypotheses.Add(new HypothesisView(h.HypothesisId, current, revisions));
            }
        }

        var actions = record.Actions.Where(a => a.CompletedAt is null).Select(a =>
            Decide($"action:{a.ActionId}", a.DiscussionId, record.Discussion(a.DiscussionId).RecordedAt) is Disclosure.Withheld withheld
                ? (object)new WithheldAction(a.ActionId, a.AgreedAt, true, withheld.Reason)
                : new ActionView(a.ActionId, a.DiscussionId, a.Description, a.OwnerId, a.DueBy, a.AgreedBy, a.AgreedAt, a.CompletedAt,
                    a.CompletionNote)).ToList();
        return new SystemicView(hypotheses, actions);
    }

    /// <summary>D: a discussion and what was agreed in it are child protection's record, about every child.</summary>
    public static Datum.Discussion Of(DiscussionEntry d, IReadOnlyCollection<Guid> children) =>
        Datum.SystemicRecord(children, d.ParticipantIds) with { RecordedAt = d.RecordedAt };
}
