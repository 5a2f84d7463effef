using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Coordination.SystemicTeams;

/// <summary>
/// What the team views need of one family, and nothing more: no case-note text, no hypothesis or action wording, so a
/// team view cannot show what the family's picture would withhold. Kept inline, in the transaction of the writes that
/// change it: the agenda and caseload are current the moment a write is acknowledged, and the 30-child count
/// (LsL 13 b §) is read under the allocating transaction's lock. Contributions and hearings, the most frequent writes,
/// do not touch it: the agenda reads what arrived from the event log itself (<see cref="Arrivals"/>).
/// </summary>
public sealed class TeamCase
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public Guid? TeamId { get; set; }
    public string? ResponsibleSocialWorkerId { get; set; }
    public string? ResponsibleSocialWorkerName { get; set; }
    public DateTimeOffset? AllocatedAt { get; set; }
    public List<CaseChild> Children { get; set; } = [];
    public CaseStage Stage { get; set; }
    public HashSet<Guid> UndecidedConcerns { get; set; } = [];
    public HashSet<Guid> RunningAssessments { get; set; } = [];
    public AssessmentOutcome? LastOutcome { get; set; }
    public int ConcernsReceived { get; set; }
    public DateTimeOffset? LastDiscussedAt { get; set; }
    public List<CaseHypothesis> Hypotheses { get; set; } = [];
    public List<CaseAction> Actions { get; set; } = [];
}

/// <param name="Name">Null for an expected child not yet named (LsL 25 c §).</param>
public sealed record CaseChild(Guid ChildId, string? Name);

public enum CaseStage
{
    Registered,
    ConcernReceived,
    Assessment,
    ChildProtectionClient,
    SocialWelfareServices,
    Closed,
}

public sealed class CaseHypothesis
{
    public Guid HypothesisId { get; set; }
    public HypothesisStatus Status { get; set; }
    public int Revisions { get; set; }
    public DateTimeOffset LastRevisedAt { get; set; }
}

public sealed class CaseAction
{
    public Guid ActionId { get; set; }
    public string OwnerId { get; set; } = "";
    public DateOnly DueBy { get; set; }
    public DateTimeOffset AgreedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public sealed partial class TeamCaseProjection : SingleStreamProjection<TeamCase, Guid>
{
    public TeamCaseProjection() => Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;

    public static TeamCase Create(IEvent<FamilyRegistered> e) => new()
    {
        Id = e.StreamId, Children = e.Data.Children.Select(c => new CaseChild(c.MemberId, c.Name)).ToList(),
    };

    public static void Apply(ChildAddedToFamily e, TeamCase c) => c.Children.Add(new CaseChild(e.Child.MemberId, e.Child.Name));

    public static void Apply(ExpectedChildRecorded e, TeamCase c) => c.Children.Add(new CaseChild(e.ChildId, e.Name));

    public static void Apply(ChildBorn e, TeamCase c)
    {
        var i = c.Children.FindIndex(x => x.ChildId == e.ChildId);
        if (i >= 0)
        {
            c.Children[i] = c.Children[i] with { Name = e.Name };
        }
    }

    public static void Apply(ConcernRaised e, TeamCase c)
    {
        c.UndecidedConcerns.Add(e.ConcernId);
        c.ConcernsReceived++;
        c.Restage();
    }

    public static void Apply(ConcernDecided e, TeamCase c)
    {
        c.UndecidedConcerns.Remove(e.ConcernId);
        c.Restage();
    }

    public static void Apply(AssessmentStarted e, TeamCase c)
    {
        c.RunningAssessments.Add(e.AssessmentId);
        c.Restage();
    }

    public static void Apply(AssessmentConcluded e, TeamCase c)
    {
        c.RunningAssessments.Remove(e.AssessmentId);
        c.LastOutcome = e.Outcome;
        if (e.ResponsibleSocialWorkerId is { } responsible && responsible != c.ResponsibleSocialWorkerId)
        {
            c.ResponsibleSocialWorkerId = responsible;
            c.ResponsibleSocialWorkerName = null; // the conclusion names an id only; an allocation names the person
        }
        c.Restage();
    }

    public static void Apply(FamilyAllocatedToTeam e, TeamCase c)
    {
        c.TeamId = e.TeamId;
        c.ResponsibleSocialWorkerId = e.ResponsibleSocialWorkerId;
        c.ResponsibleSocialWorkerName = e.ResponsibleSocialWorkerName;
        c.AllocatedAt = e.OccurredAt;
    }

    public static void Apply(SystemicDiscussionRecorded e, TeamCase c) =>
        c.LastDiscussedAt = c.LastDiscussedAt is { } last && last > e.OccurredAt ? last : e.OccurredAt;

    public static void Apply(HypothesisRecorded e, TeamCase c)
    {
        var hypothesis = c.Hypotheses.Find(h => h.HypothesisId == e.HypothesisId);
        if (hypothesis is null)
        {
            hypothesis = new CaseHypothesis { HypothesisId = e.HypothesisId };
            c.Hypotheses.Add(hypothesis);
        }
        hypothesis.Status = e.Status;
        hypothesis.Revisions = e.Revision;
        hypothesis.LastRevisedAt = e.OccurredAt;
    }

    public static void Apply(ActionAgreed e, TeamCase c) =>
        c.Actions.Add(new CaseAction { ActionId = e.ActionId, OwnerId = e.OwnerId, DueBy = e.DueBy, AgreedAt = e.OccurredAt });

    public static void Apply(ActionCompleted e, TeamCase c) =>
        c.Actions.First(a => a.ActionId == e.ActionId).CompletedAt = e.OccurredAt;
}

internal static class TeamCaseMutations
{
    /// <summary>Where the family is on the statutory path, from its facts alone.</summary>
    public static void Restage(this TeamCase c) => c.Stage =
        c.RunningAssessments.Count > 0 ? CaseStage.Assessment
        : c.UndecidedConcerns.Count > 0 ? CaseStage.ConcernReceived
        : c.LastOutcome switch
        {
            AssessmentOutcome.ChildProtectionClient => CaseStage.ChildProtectionClient,
            AssessmentOutcome.SocialWelfareServices => CaseStage.SocialWelfareServices,
            AssessmentOutcome.NoFurtherAction => CaseStage.Closed,
            _ => c.ConcernsReceived > 0 ? CaseStage.Closed : CaseStage.Registered,
        };
}
