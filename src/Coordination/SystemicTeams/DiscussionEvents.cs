using Coordination.Families;
using Coordination.Identity;

namespace Coordination.SystemicTeams;

/// <summary>
/// LsL 13 b §: the family is the team's, with one named responsible social worker for its children. Replaces an
/// earlier allocation (<see cref="PreviousTeamId"/>).
/// </summary>
public sealed record FamilyAllocatedToTeam(Guid TeamId, string TeamName, string ResponsibleSocialWorkerId, string ResponsibleSocialWorkerName,
    Guid? PreviousTeamId, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>
/// ATL 44 §: a team discussion of a client is a record entry naming its participants. The reflections are narrative
/// client data, shared by the rules of docs/sharing.md. Hypotheses and actions agreed in it follow as their own facts.
/// </summary>
public sealed record SystemicDiscussionRecorded(Guid DiscussionId, Guid TeamId, Guid? MeetingId, IReadOnlyList<string> ParticipantIds,
    string? Reflections, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

public enum HypothesisStatus
{
    Proposed,
    Supported,
    Discarded,
}

/// <summary>
/// One version of a hypothesis about what keeps the family's difficulty going. Revision 1 proposes it; a later revision
/// revises it and never overwrites the earlier ones. <see cref="EvidenceVersions"/> point at the family's facts
/// (stream versions) it rests on.
/// </summary>
public sealed record HypothesisRecorded(Guid HypothesisId, int Revision, Guid DiscussionId, string Text, HypothesisStatus Status,
    IReadOnlyList<long> EvidenceVersions, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

public sealed record ActionAgreed(Guid ActionId, Guid DiscussionId, string Description, string OwnerId, DateOnly DueBy, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

public sealed record ActionCompleted(Guid ActionId, string? Note, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;
