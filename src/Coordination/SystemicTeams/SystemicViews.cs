using Coordination.Access;
using Coordination.Identity;

namespace Coordination.SystemicTeams;

public sealed record EvidenceView(long FamilyVersion);

public sealed record HypothesisRevisionView(int Revision, Guid DiscussionId, HypothesisStatus Status, string Text,
    IReadOnlyList<EvidenceView> Evidence, Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>A version of a hypothesis this viewer may not read: that it exists and when, nothing of its content.</summary>
public sealed record WithheldRevision(int Revision, Guid DiscussionId, DateTimeOffset RecordedAt, bool Withheld, string Reason);

/// <param name="Current">The latest version, when the viewer may read it.</param>
public sealed record HypothesisView(Guid HypothesisId, HypothesisRevisionView? Current, IReadOnlyList<object> Revisions);

public sealed record ActionView(Guid ActionId, Guid DiscussionId, string Description, string OwnerId, DateOnly DueBy, Actor AgreedBy,
    DateTimeOffset AgreedAt, DateTimeOffset? CompletedAt, string? CompletionNote);

public sealed record WithheldAction(Guid ActionId, DateTimeOffset AgreedAt, bool Withheld, string Reason);

public sealed record DiscussionView(Guid DiscussionId, Guid TeamId, Guid? MeetingId, IReadOnlyList<string> ParticipantIds, string? Reflections,
    IReadOnlyList<RecordedHypothesis> Hypotheses, IReadOnlyList<Guid> ActionIds, Actor By, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>A discussion this viewer may not read: that it took place, when, and who took part (ATL 44 §), nothing said in it.</summary>
public sealed record WithheldDiscussion(Guid DiscussionId, Guid TeamId, IReadOnlyList<string> ParticipantIds, DateTimeOffset OccurredAt,
    bool Withheld, string Reason);

/// <summary>Something of the systemic record shown to another agency, and on what basis (for the disclosure log).</summary>
public sealed record SharedDiscussionContent(string Data, Agency Owner, string Basis);

public sealed record SystemicView(IReadOnlyList<HypothesisView> Hypotheses, IReadOnlyList<object> OpenActions,
    IReadOnlyList<SharedDiscussionContent> Disclosed);

/// <summary>Cuts the systemic record for one viewer by <see cref="Sharing.DecideDiscussion"/>. Pure.</summary>
public static class SystemicViews
{
    /// <summary>Every discussion of the family, newest first, with its reflections where the viewer may read them.</summary>
    public static (IReadOnlyList<object> Discussions, IReadOnlyList<SharedDiscussionContent> Disclosed) Discussions(Professional viewer,
        SystemicRecord? record, IReadOnlyList<ConsentInForce> consents)
    {
        if (record is null)
        {
            return ([], []);
        }
        var disclosed = new List<SharedDiscussionContent>();
        var views = record.Discussions.OrderByDescending(d => d.OccurredAt).Select(d =>
        {
            var decision = Sharing.DecideDiscussion(viewer.Agency, viewer.Id, d.By.Agency, d.ParticipantIds, consents);
            if (decision is Disclosure.Withheld withheld)
            {
                return (object)new WithheldDiscussion(d.DiscussionId, d.TeamId, d.ParticipantIds, d.OccurredAt, true, withheld.Reason);
            }
            if (decision is Disclosure.Shown shown)
            {
                disclosed.Add(new SharedDiscussionContent($"discussion:{d.DiscussionId}", d.By.Agency, shown.Basis));
            }
            var hypotheses = record.Hypotheses.SelectMany(h => h.Revisions.Where(r => r.DiscussionId == d.DiscussionId)
                .Select(r => new RecordedHypothesis(h.HypothesisId, r.Revision))).ToList();
            var actions = record.Actions.Where(a => a.DiscussionId == d.DiscussionId).Select(a => a.ActionId).ToList();
            return new DiscussionView(d.DiscussionId, d.TeamId, d.MeetingId, d.ParticipantIds, d.Reflections, hypotheses, actions, d.By,
                d.OccurredAt, d.RecordedAt);
        }).ToList();
        return (views, disclosed);
    }

    public static SystemicView For(Professional viewer, SystemicRecord? record, IReadOnlyList<ConsentInForce> consents)
    {
        if (record is null)
        {
            return new SystemicView([], [], []);
        }
        var disclosed = new List<SharedDiscussionContent>();
        Disclosure Decide(Guid discussionId)
        {
            var discussion = record.Discussion(discussionId);
            return Sharing.DecideDiscussion(viewer.Agency, viewer.Id, discussion.By.Agency, discussion.ParticipantIds, consents);
        }

        var hypotheses = record.Hypotheses.Select(h =>
        {
            HypothesisRevisionView? current = null;
            var revisions = h.Revisions.Select(r =>
            {
                var decision = Decide(r.DiscussionId);
                if (decision is Disclosure.Withheld withheld)
                {
                    current = null;
                    return (object)new WithheldRevision(r.Revision, r.DiscussionId, r.RecordedAt, true, withheld.Reason);
                }
                if (decision is Disclosure.Shown shown)
                {
                    disclosed.Add(new SharedDiscussionContent($"hypothesis:{h.HypothesisId}:{r.Revision}", r.By.Agency, shown.Basis));
                }
                current = new HypothesisRevisionView(r.Revision, r.DiscussionId, r.Status, r.Text,
                    r.EvidenceVersions.Select(v => new EvidenceView(v)).ToList(), r.By, r.OccurredAt, r.RecordedAt);
                return current;
            }).ToList();
            return new HypothesisView(h.HypothesisId, current, revisions);
        }).ToList();

        var actions = record.Actions.Where(a => a.CompletedAt is null).Select(a =>
        {
            var decision = Decide(a.DiscussionId);
            if (decision is Disclosure.Withheld withheld)
            {
                return (object)new WithheldAction(a.ActionId, a.AgreedAt, true, withheld.Reason);
            }
            if (decision is Disclosure.Shown shown)
            {
                disclosed.Add(new SharedDiscussionContent($"action:{a.ActionId}", a.AgreedBy.Agency, shown.Basis));
            }
            return new ActionView(a.ActionId, a.DiscussionId, a.Description, a.OwnerId, a.DueBy, a.AgreedBy, a.AgreedAt, a.CompletedAt,
                a.CompletionNote);
        }).ToList();
        return new SystemicView(hypotheses, actions, disclosed);
    }
}
