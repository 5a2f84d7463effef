using Coordination.Identity;

namespace Coordination.Families;

/// <summary>Every fact on a family stream says who acted and when it happened; the store adds when it was recorded.</summary>
public interface IFamilyEvent
{
    Actor By { get; }
    DateTimeOffset OccurredAt { get; }
}

/// <summary>A professional registered the family: its children and guardians as they were known then.</summary>
public sealed record FamilyRegistered(
    Guid FamilyId,
    IReadOnlyList<FamilyMember> Children,
    IReadOnlyList<FamilyMember> Guardians,
    string? Municipality,
    IReadOnlyList<string> Languages,
    Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <param name="PersonId">Personal identity code; null for people who have none.</param>
/// <param name="Relation">For guardians: mother, father, ... as the registering professional wrote it.</param>
public sealed record FamilyMember(Guid MemberId, string? PersonId, string Name, DateOnly BirthDate, string? Relation);

/// <summary>
/// The family was registered although families of the organisation already held some of its people, because it is a
/// separate household (children of parents who live apart). Follows <see cref="FamilyRegistered"/> in the same write.
/// </summary>
public sealed record SeparateHouseholdRegistered(Guid FamilyId, IReadOnlyList<Guid> ExistingFamilyIds, string Reason, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>A child joined the family record after its registration.</summary>
public sealed record ChildAddedToFamily(Guid FamilyId, FamilyMember Child, Actor By, DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>
/// An expected child joined the family record (LsL 25 c §: a pre-birth notification names a child not yet born): no
/// identity code or birth date yet, perhaps no name. At registration it follows <see cref="FamilyRegistered"/> in the same write.
/// </summary>
public sealed record ExpectedChildRecorded(Guid FamilyId, Guid ChildId, string? Name, DateOnly ExpectedBirthDate, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;

/// <summary>The expected child was born: from now on the family record holds the child's identity code, name and birth date.</summary>
public sealed record ChildBorn(Guid FamilyId, Guid ChildId, string? PersonId, string Name, DateOnly BirthDate, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;
