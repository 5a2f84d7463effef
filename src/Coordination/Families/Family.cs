using Coordination.Access;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Deadlines;

namespace Coordination.Families;

/// <summary>The write model of one family stream: only what decisions need. Changed only by Apply, from events.</summary>
public sealed class Family
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public List<Guid> ChildIds { get; set; } = [];
    public List<Guid> GuardianIds { get; set; } = [];
    public HashSet<string> PersonIds { get; set; } = [];
    public Relationships Relationships { get; set; } = new();
    public Dictionary<Guid, ConcernState> Concerns { get; set; } = [];
    public Dictionary<Guid, AssessmentState> Assessments { get; set; } = [];
    public Dictionary<string, Deadline> Deadlines { get; set; } = [];
    /// <summary>Born children's birth dates; an expected child has none until its birth is recorded.</summary>
    public Dictionary<Guid, DateOnly> ChildBirthDates { get; set; } = [];
    /// <summary>Children not yet born (LsL 25 c §), by their expected birth date.</summary>
    public Dictionary<Guid, DateOnly> ExpectedChildren { get; set; } = [];
    public Dictionary<Guid, ConsentState> Consents { get; set; } = [];
    public Dictionary<Guid, SystemicTeams.HypothesisStatus> Hypotheses { get; set; } = [];
    public Dictionary<Guid, int> HypothesisRevisions { get; set; } = [];
    /// <summary>Agreed actions: their owner, and whether they are done.</summary>
    public Dictionary<Guid, ActionState> Actions { get; set; } = [];

    public AssessmentState? RunningAssessment => Assessments.Values.FirstOrDefault(a => !a.Concluded);

    public static Family Create(FamilyRegistered e)
    {
        var family = new Family
        {
            Id = e.FamilyId,
            ChildIds = e.Children.Select(c => c.MemberId).ToList(),
            GuardianIds = e.Guardians.Select(g => g.MemberId).ToList(),
            PersonIds = e.Children.Concat(e.Guardians).Select(m => m.PersonId).OfType<string>().ToHashSet(),
            ChildBirthDates = e.Children.ToDictionary(c => c.MemberId, c => c.BirthDate),
        };
        family.Relationships.Record(e);
        return family;
    }

    public void Apply(SeparateHouseholdRegistered e) => Relationships.Record(e);

    public void Apply(ChildAddedToFamily e)
    {
        ChildIds.Add(e.Child.MemberId);
        ChildBirthDates[e.Child.MemberId] = e.Child.BirthDate;
        Relationships.Record(e);
        if (e.Child.PersonId is not null)
        {
            PersonIds.Add(e.Child.PersonId);
        }
    }

    public void Apply(ExpectedChildRecorded e)
    {
        ChildIds.Add(e.ChildId);
        ExpectedChildren[e.ChildId] = e.ExpectedBirthDate;
        Relationships.Record(e);
    }

    public void Apply(ChildBorn e)
    {
        ExpectedChildren.Remove(e.ChildId);
        ChildBirthDates[e.ChildId] = e.BirthDate;
        if (e.PersonId is not null)
        {
            PersonIds.Add(e.PersonId);
        }
        Relationships.Record(e);
    }

    public void Apply(ConcernRaised e)
    {
        Concerns[e.ConcernId] = new ConcernState { Id = e.ConcernId, Kind = e.Kind, ChildIds = [.. e.ChildIds], ReceivedAt = e.ReceivedAt };
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(UrgencyAssessed e)
    {
        Concerns[e.ConcernId].UrgencyAssessed = true;
        Concerns[e.ConcernId].UrgencyAssessedAt = e.OccurredAt;
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(ConcernDecided e)
    {
        Concerns[e.ConcernId].Decided = true;
        Concerns[e.ConcernId].AssessmentId = e.AssessmentId;
        Concerns[e.ConcernId].DecidedAt = e.OccurredAt;
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(AssessmentStarted e)
    {
        Assessments[e.AssessmentId] = new AssessmentState
        {
            Id = e.AssessmentId, LeadSocialWorkerId = e.By.Id, ChildIds = [.. e.ChildIds], StartedAt = e.OccurredAt,
        };
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(ConcernJoinedAssessment e)
    {
        var assessment = Assessments[e.AssessmentId];
        assessment.Joined(e.ConcernId, e.OccurredAt);
        foreach (var child in e.ChildIds.Where(c => !assessment.ChildIds.Contains(c)))
        {
            assessment.ChildIds.Add(child);
        }
        Relationships.Record(e);
    }

    public void Apply(AgencyInvited e)
    {
        Assessments[e.AssessmentId].Invitations[e.InvitationId] = e.Agency;
        Relationships.Record(e);
    }

    public void Apply(ContributionRecorded e)
    {
        var assessment = Assessments[e.AssessmentId];
        assessment.Contributions[e.ContributionId] = new ContributionState
        {
            Agency = e.Agency, Category = e.Category, LegalBasis = e.LegalBasis,
        };
        if (e.Supersedes is { } earlier && assessment.Contributions.TryGetValue(earlier, out var superseded))
        {
            superseded.SupersededBy = e.ContributionId;
        }
        Relationships.Record(e);
    }

    public void Apply(ChildHearingRecorded e)
    {
        Assessments[e.AssessmentId].HeardChildIds.Add(e.ChildId);
        Assessments[e.AssessmentId].Heard("child-heard", e.HearingId, e.OccurredAt);
        Relationships.Record(e);
    }

    public void Apply(AssessmentConcluded e)
    {
        Assessments[e.AssessmentId].Concluded = true;
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(Consent.ConsentGiven e)
    {
        Consents[e.ConsentId] = new ConsentState
        {
            GivenBy = e.GivenBy, GivenAt = e.OccurredAt, Recipients = [.. e.Recipients], Categories = [.. e.DataCategories],
            ValidUntil = e.ValidUntil,
        };
        Relationships.Record(e);
    }

    public void Apply(Consent.ConsentWithdrawn e)
    {
        Consents[e.ConsentId].Withdrawn = true;
        Consents[e.ConsentId].WithdrawnAt = e.OccurredAt;
        Relationships.Record(e);
    }

    public void Apply(Consent.PsychiatricEntryConfirmed e)
    {
        Assessments[e.AssessmentId].Contributions[e.ContributionId].ConfirmedBy.Add(e.By.Id);
        Relationships.Record(e);
    }

    /// <summary>The consents in force at a moment: given by then, not withdrawn, not expired.</summary>
    public IReadOnlyList<Access.ConsentInForce> ConsentsInForce(DateTimeOffset moment) =>
        [.. Consents.Where(c => c.Value.InForceOn(moment)).Select(c => new Access.ConsentInForce(c.Key, c.Value.GivenBy,
            GuardianIds.Contains(c.Value.GivenBy), c.Value.Recipients, c.Value.Categories,
            SituationalPicture.ConsentTimes.Ceasing(c.Value.WithdrawnAt, c.Value.ValidUntil)))];

    public (AssessmentState Assessment, ContributionState Contribution)? FindContribution(Guid contributionId) =>
        Assessments.Values.Where(a => a.Contributions.ContainsKey(contributionId))
            .Select(a => ((AssessmentState, ContributionState)?)(a, a.Contributions[contributionId])).FirstOrDefault();

    public void Apply(DeadlineMissed e) => Ledger(e);

    public void Apply(SystemicTeams.FamilyAllocatedToTeam e)
    {
        Relationships.Record(e);
        Ledger(e);
    }

    public void Apply(SystemicTeams.SystemicDiscussionRecorded e) => Relationships.Record(e);

    public void Apply(SystemicTeams.HypothesisRecorded e)
    {
        Hypotheses[e.HypothesisId] = e.Status;
        HypothesisRevisions[e.HypothesisId] = e.Revision;
        Relationships.Record(e);
    }

    public void Apply(SystemicTeams.ActionAgreed e)
    {
        Actions[e.ActionId] = new ActionState(e.OwnerId, Completed: false, e.OccurredAt);
        Relationships.Record(e);
    }

    public void Apply(SystemicTeams.ActionCompleted e)
    {
        Actions[e.ActionId] = Actions[e.ActionId] with { Completed = true };
        Relationships.Record(e);
    }

    public void Apply(SchoolWelfare.ExpertGroupMeetingReported e) => Relationships.Record(e);

    public void Apply(SchoolWelfare.AbsenceAlertReported e) => Relationships.Record(e);

    public void Apply(SchoolWelfare.WelfareStatusReported e) => Relationships.Record(e);

    private void Ledger(IFamilyEvent e) =>
        DeadlineLedger.Record(e, key => Deadlines.GetValueOrDefault(key), d => Deadlines[d.Key] = d, Deadlines.Values,
            id => Concerns.TryGetValue(id, out var c) ? c.ReceivedAt : null, Relationships.ResponsibleSocialWorkerId);
}

/// <param name="AgreedAt">When the discussion that agreed it was held: it cannot have been completed before.</param>
public sealed record ActionState(string OwnerId, bool Completed, DateTimeOffset AgreedAt = default);

public sealed class ConcernState
{
    public Guid Id { get; set; }
    public ConcernKind Kind { get; set; }
    public List<Guid> ChildIds { get; set; } = [];
    public DateTimeOffset ReceivedAt { get; set; }
    public bool UrgencyAssessed { get; set; }
    public DateTimeOffset? UrgencyAssessedAt { get; set; }
    public bool Decided { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? AssessmentId { get; set; }
}

public sealed class AssessmentState
{
    public Guid Id { get; set; }
    public string LeadSocialWorkerId { get; set; } = "";
    public List<Guid> ChildIds { get; set; } = [];
    /// <summary>When it started (the decision); no fact of the assessment can have happened before.</summary>
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>The latest child hearing: a conclusion needs every child heard (LsL 20 §), so it cannot have happened before.</summary>
    public Writing.EarlierFact? LatestHearing { get; set; }
    /// <summary>The latest concern joined to it: a conclusion answers it too, so it cannot have happened before.</summary>
    public Writing.EarlierFact? LatestJoin { get; set; }

    public void Joined(Guid concernId, DateTimeOffset at)
    {
        if (LatestJoin is null || LatestJoin.OccurredAt < at)
        {
            LatestJoin = new Writing.EarlierFact("concern-joined", concernId, at);
        }
    }
    public HashSet<Guid> HeardChildIds { get; set; } = [];
    public Dictionary<Guid, Identity.Agency> Invitations { get; set; } = [];
    public Dictionary<Guid, ContributionState> Contributions { get; set; } = [];
    public bool Concluded { get; set; }

    public void Heard(string fact, Guid id, DateTimeOffset at)
    {
        if (LatestHearing is null || LatestHearing.OccurredAt < at)
        {
            LatestHearing = new Writing.EarlierFact(fact, id, at);
        }
    }

    public Writing.Decision? NotBeforeStart(string field, DateTimeOffset? at) =>
        Writing.Refusals.NotBefore(field, at, "assessment-started", Id, StartedAt);
}

public sealed class ContributionState
{
    public Identity.Agency Agency { get; set; }
    public ContributionCategory Category { get; set; }
    public LegalBasis LegalBasis { get; set; }
    public Guid? SupersededBy { get; set; }
    public HashSet<string> ConfirmedBy { get; set; } = [];
}

public sealed class ConsentState
{
    /// <summary>The guardian or child who gave it: whose data it covers (docs/sharing.md §2).</summary>
    public Guid GivenBy { get; set; }
    public DateTimeOffset GivenAt { get; set; }
    public List<Identity.Agency> Recipients { get; set; } = [];
    public List<Consent.ConsentCategory> Categories { get; set; } = [];
    public DateOnly? ValidUntil { get; set; }
    public bool Withdrawn { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }

    public bool InForceOn(DateTimeOffset moment) =>
        GivenAt <= moment && (WithdrawnAt is null || WithdrawnAt > moment)
        && (ValidUntil is null || ValidUntil >= Calendar.FinnishCalendar.HelsinkiDate(moment));
}
