using Coordination.Identity;
using Coordination.SystemicTeams;
using Marten;

namespace Coordination.Access;

/// <summary>
/// ATL 9 §: a professional sees a family only through a client relationship, never because they can log in.
/// The rules, in the order of docs/sharing.md:
/// <list type="number">
/// <item>Auditors and integration clients have no relationship with any family; they use their own routes.</item>
/// <item>A professional named in the family's relationships (registered it, raised a concern, acted on it,
///   invited by name) has one.</item>
/// <item>The family's responsible social worker has one (LsL 13 b §), for as long as they are named.</item>
/// <item>A current member of the team the family is allocated to has one; it ends with the membership.</item>
/// <item>A professional of an agency invited to the family's assessment without a name has one.</item>
/// <item>A social worker has one while a concern about the family awaits its decision (the intake received it).</item>
/// </list>
/// The organisation boundary is enforced below this, by tenancy: another organisation's family is not there at all.
/// </summary>
public static class FamilyAccess
{
    /// <param name="teamMembers">The current members of the family's team, when the caller has to be looked for there.</param>
    /// <remarks>A coordinator relates to families through a team only: they prepare its meetings, they do no case work.</remarks>
    public static bool HasRelationship(Professional caller, Relationships relationships, IReadOnlySet<string>? teamMembers = null) =>
        (caller.IsCaseworker
         && (relationships.ProfessionalIds.Contains(caller.Id)
             || relationships.ResponsibleSocialWorkerId == caller.Id
             || relationships.InvitedAgencies.Contains(caller.Agency)
             || (caller.IsSocialWorker && relationships.AwaitsDecisionOfOthers(caller.Id))))
        || (caller.IsCaseworkingProfessional && relationships.TeamId is not null && teamMembers?.Contains(caller.Id) == true);

    /// <summary>
    /// <see cref="HasRelationship"/>, reading the family's team only when nothing else relates the caller to the family:
    /// membership lives on the team's stream, so a member who leaves loses every family of the team at once.
    /// </summary>
    public static async Task<bool> HasRelationshipAsync(IQuerySession session, Professional caller, Relationships relationships,
        CancellationToken ct)
    {
        if (HasRelationship(caller, relationships))
        {
            return true;
        }
        if (!caller.IsCaseworkingProfessional || relationships.TeamId is not { } teamId)
        {
            return false;
        }
        var team = await session.LoadAsync<Team>(teamId, ct);
        return team is not null && HasRelationship(caller, relationships, team.CurrentMemberIds());
    }
}
