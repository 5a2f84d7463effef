using Coordination.Identity;

namespace Coordination.Access;

/// <summary>
/// ATL 9 §: a professional sees a family only through a client relationship, never because they can log in.
/// The rules, in the order of docs/sharing.md:
/// <list type="number">
/// <item>Auditors and integration clients have no relationship with any family; they use their own routes.</item>
/// <item>A professional named in the family's relationships (registered it, raised a concern, acted on it,
///   invited by name, responsible social worker) has one.</item>
/// <item>A professional of an agency invited to the family's assessment without a name has one.</item>
/// <item>Social work has one while a concern about the family awaits its decision (the intake received it).</item>
/// </list>
/// The organisation boundary is enforced below this, by tenancy: another organisation's family is not there at all.
/// </summary>
public static class FamilyAccess
{
    public static bool HasRelationship(Professional caller, Relationships relationships) =>
        caller.IsCaseworkingProfessional
        && (relationships.ProfessionalIds.Contains(caller.Id)
            || relationships.InvitedAgencies.Contains(caller.Agency)
            || (caller.Agency == Agency.SocialWork && relationships.UndecidedConcerns.Count > 0));

    /// <summary>
    /// Raising a concern needs no relationship: anyone with a duty to notify must be able to, and it is what creates
    /// the relationship. The caller still has to know the family's id (search-before-create within the organisation).
    /// </summary>
    public static bool MayRaiseConcern(Professional caller) => caller.IsCaseworkingProfessional;
}
