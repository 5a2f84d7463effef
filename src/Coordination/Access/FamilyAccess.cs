using Coordination.Identity;

namespace Coordination.Access;

/// <summary>
/// ATL 9 §: a professional sees a family only through a client relationship (they registered it, raised or received
/// a concern, were invited, are on its team or are its responsible social worker), never because they can log in.
/// Auditors see families only through the audit routes. The organisation boundary is enforced by tenancy below this.
/// </summary>
public static class FamilyAccess
{
    public static bool HasRelationship(Professional caller, IReadOnlyCollection<string> relatedProfessionalIds) =>
        caller.IsCaseworkingProfessional && relatedProfessionalIds.Contains(caller.Id);
}
