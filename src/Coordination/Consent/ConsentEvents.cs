using Coordination.Families;
using Coordination.Identity;

namespace Coordination.Consent;

/// <summary>What a consent lets flow (ATL 53 §, 58 §; OHL 14 §, 19 §; SHL 39 §).</summary>
public enum ConsentCategory
{
    AssessmentContributions,
    PsychiatricEntries,
    MedicationAndRisk,
}

/// <summary>A guardian, or a child able to decide for themself, consented to sharing with the named agencies.</summary>
/// <param name="GivenBy">The family member (guardian or child id) who gave it.</param>
public sealed record ConsentGiven(
    Guid ConsentId,
    Guid GivenBy,
    IReadOnlyList<Agency> Recipients,
    IReadOnlyList<ConsentCategory> DataCategories,
    string Purpose,
    DateOnly? ValidUntil,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>The consent was withdrawn: what was shared under it stays shared, but nothing new flows.</summary>
public sealed record ConsentWithdrawn(Guid ConsentId, string? Reason, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>
/// ATL 26 § 2: a professional outside child psychiatry confirmed, with a purpose and a justification, that they need to
/// see a psychiatric entry; from then on it is shown to them. <paramref name="Basis"/> is what allowed it.
/// </summary>
public sealed record PsychiatricEntryConfirmed(Guid ContributionId, Guid AssessmentId, string Purpose, string Justification,
    string Basis, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;
