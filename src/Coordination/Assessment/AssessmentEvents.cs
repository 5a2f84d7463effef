using System.Text.Json.Serialization;
using Coordination.Families;
using Coordination.Identity;

namespace Coordination.Assessment;

/// <summary>A service-need assessment started (SHL 36 §), led by the deciding social worker.</summary>
/// <param name="CompletionDue">SHL 36 §, LsL 26 § 5: three months from the receipt of the first concern, on the next working day if that
/// is not one. Events recorded before issue 16 carry a date counted from the decision; read models derive the date instead (docs/events.md).</param>
public sealed record AssessmentStarted(
    Guid AssessmentId,
    IReadOnlyList<Guid> ConcernIds,
    IReadOnlyList<Guid> ChildIds,
    DateOnly CompletionDue,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>A further concern was joined to the running assessment; its children join it too.</summary>
public sealed record ConcernJoinedAssessment(Guid AssessmentId, Guid ConcernId, IReadOnlyList<Guid> ChildIds, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>The assessing social worker asked another agency to take part (SHL 41 §).</summary>
public sealed record AgencyInvited(
    Guid InvitationId,
    Guid AssessmentId,
    Agency Agency,
    string? ProfessionalId,
    string Question,
    DateOnly? RespondBy,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

public enum ContributionCategory
{
    General,
    PsychiatricEntry,
    MedicationAndRisk,
}

/// <summary>The provision a contribution is shared under (ATL 53 § 5, 56 §, 64 §), consent, or the agency's own record.</summary>
public enum LegalBasis
{
    [JsonStringEnumMemberName("atl-53-5")]
    Atl53Section5,
    [JsonStringEnumMemberName("atl-56")]
    Atl56,
    [JsonStringEnumMemberName("atl-64")]
    Atl64,
    Consent,
    OwnAgency,
}

/// <summary>An agency's contribution to the assessment. A correction is a new contribution that supersedes; nothing is edited.</summary>
public sealed record ContributionRecorded(
    Guid ContributionId,
    Guid AssessmentId,
    Guid? InvitationId,
    Agency Agency,
    IReadOnlyList<Guid> ChildIds,
    string Summary,
    string? Observations,
    ContributionCategory Category,
    LegalBasis LegalBasis,
    Guid? Supersedes,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

public enum HearingMethod
{
    InPerson,
    HomeVisit,
    AtSchool,
    Remote,
    Written,
    Observation,
}

/// <summary>LsL 20 §: a child's wishes and views were found out (method and content), or why they were not.</summary>
public sealed record ChildHearingRecorded(
    Guid HearingId,
    Guid AssessmentId,
    Guid ChildId,
    HearingMethod? Method,
    string? Views,
    string? NotHeardReason,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

public enum AssessmentOutcome
{
    ChildProtectionClient,
    SocialWelfareServices,
    NoFurtherAction,
}

/// <summary>The assessment was concluded (SHL 37 §, LsL 27 §).</summary>
public sealed record AssessmentConcluded(
    Guid AssessmentId,
    AssessmentOutcome Outcome,
    string Summary,
    string? ClientOpinion,
    bool NamedWorkerNeeded,
    string? ResponsibleSocialWorkerId,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;
