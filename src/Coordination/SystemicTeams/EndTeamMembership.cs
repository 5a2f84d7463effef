using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Writing;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public static class EndTeamMembershipEndpoint
{
    [WolverineDelete("/api/teams/{teamId}/members/{professionalId}", OperationId = "endTeamMembership")]
    [Tags("Systemic teams")]
    public static async Task<Written<TeamChangedResponse>> Delete(Guid teamId, string professionalId, TeamWrites writes) =>
        new(await writes.AppendAsync(teamId, (session, _, ct) => ChildrenHeldInTeamAsync(session, teamId, professionalId, writes.Caller.Organisation, ct),
            (team, childrenHeld) => Decide(team, professionalId, childrenHeld, writes.Caller, writes.Now)));

    /// <summary>
    /// Ending a membership takes away the member's relationship with every family of the team. A member who is still the
    /// responsible social worker of some of the team's children cannot leave until they are allocated to another worker:
    /// the law wants a named worker for every child (LsL 13 b §).
    /// </summary>
    public static Decision Decide(Team team, string professionalId, int childrenHeld, Professional caller, DateTimeOffset now)
    {
        if (!team.IsManagedBy(caller))
        {
            return Decision.Refuse(Problems.Forbidden("Only the team's consultant social worker or coordinator changes its members."));
        }
        if (team.Current(professionalId) is null)
        {
            return Refusals.NotFound("team member");
        }
        if (childrenHeld > 0)
        {
            return Decision.Refuse(Problems.Conflict("still-responsible",
                $"This member is the responsible social worker of {childrenHeld} children of the team's families. "
                + "Allocate those families to another worker first (LsL 13 b §)."));
        }
        var ended = new TeamMembershipEnded(team.Id, professionalId, caller.AsActor(), now);
        return Decision.Ok(version => new TeamChangedResponse(team.Id, version), ended);
    }

    /// <summary>Under the worker's lock, so an allocation naming them cannot slip in between this count and the ending.</summary>
    private static async Task<int> ChildrenHeldInTeamAsync(IQuerySession session, Guid teamId, string professionalId, string organisation,
        CancellationToken ct)
    {
        await ResponsibleWorkers.LockAsync(session, organisation, professionalId, ct);
        var cases = await ResponsibleWorkers.CasesAsync(session, professionalId, ct);
        return cases.Where(c => c.TeamId == teamId).Sum(c => c.Children.Count);
    }
}
