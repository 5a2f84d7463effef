using Coordination.Identity;

namespace Coordination.Access;

/// <summary>
/// The facts that give professionals a client relationship with one family (ATL 9 §). Kept by the write model and
/// by the picture from the same events; judged only by <see cref="FamilyAccess"/>.
/// </summary>
public sealed class Relationships
{
    /// <summary>Named people: who registered the family, raised a concern, acted on it, was invited by name, is responsible.</summary>
    public HashSet<string> ProfessionalIds { get; set; } = [];

    /// <summary>Agencies invited to an assessment without a named professional: any of their professionals (SHL 41 §).</summary>
    public HashSet<Agency> InvitedAgencies { get; set; } = [];

    /// <summary>Concerns not yet decided: the organisation's social work intake has received them (LsL 25-26 §).</summary>
    public HashSet<Guid> UndecidedConcerns { get; set; } = [];

    public void Add(Actor actor) => ProfessionalIds.Add(actor.Id);

    public void Add(string professionalId) => ProfessionalIds.Add(professionalId);
}
