using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record AllocateFamily(Guid? FamilyId, string? ResponsibleSocialWorkerId);

public sealed record FamilyAllocatedResponse(Guid FamilyId, Guid TeamId, string ResponsibleSocialWorkerId, int ChildrenHeld, long Version);

/// <summary>What the allocation decides on besides the family: the team and the named worker's caseload elsewhere.</summary>
public sealed record AllocationContext(Team? Team, ResponsibleWorkers.Candidate Worker);

public static class AllocateFamilyEndpoint
{
    [WolverinePost("/api/teams/{teamId}/families", OperationId = "allocateFamily")]
    [Tags("Systemic teams")]
    public static async Task<Written<FamilyAllocatedResponse>> Post(Guid teamId, AllocateFamily command, FamilyWrites writes) =>
        new(await writes.AppendAsync(command.FamilyId!.Value,
            (session, family, ct) => LoadAsync(session, family, teamId, command.ResponsibleSocialWorkerId!, writes.Caller, ct),
            (family, context) => Decide(family, teamId, command, context, writes.Caller, writes.Now)));

    public static Decision Decide(Family family, Guid teamId, AllocateFamily command, AllocationContext context, Professional caller,
        DateTimeOffset now)
    {
        if (context.Team is not { } team || !TeamAccess.MaySee(caller, team))
        {
            return Refusals.NotFound("team");
        }
        if (!team.IsManagedBy(caller) && team.Current(caller.Id) is null)
        {
            return Decision.Refuse(Problems.Forbidden("Only the team's members allocate families to it."));
        }
        // LsL 13 b §: naming the responsible social worker is a statutory decision, a social worker's (docs/sharing.md §6).
        if (Refusals.SocialWorkOnly(caller, "allocates a family and names its responsible social worker") is { } forbidden)
        {
            return forbidden;
        }
        var worker = team.Current(command.ResponsibleSocialWorkerId!);
        if (worker?.Role is not (TeamRole.ConsultantSocialWorker or TeamRole.SocialWorker))
        {
            return Decision.Refuse(Problems.Conflict("not-a-team-social-worker",
                "The responsible social worker must be a current social worker or consultant social worker of the team."));
        }
        if (family.Relationships.TeamId == teamId && family.Relationships.ResponsibleSocialWorkerId == worker.ProfessionalId)
        {
            return Decision.Refuse(Problems.Conflict("already-allocated", "The family is allocated to this team and worker already."));
        }
        var held = context.Worker.ChildrenHeldElsewhere + family.ChildIds.Count;
        if ((ResponsibleWorkers.NotASocialWorker(context.Worker, "responsibleSocialWorkerId") ?? ResponsibleWorkers.OverLimit(held)) is { } refused)
        {
            return refused;
        }
        var allocated = new FamilyAllocatedToTeam(teamId, team.Name, worker.ProfessionalId, worker.Name, family.Relationships.TeamId,
            caller.AsActor(), now);
        return Decision.Ok(version => new FamilyAllocatedResponse(family.Id, teamId, worker.ProfessionalId, held, version), allocated);
    }

    /// <summary>
    /// Reads the team and counts the children the worker is responsible for in the organisation's other families. Two
    /// allocations to one worker take turns (a transaction lock on the worker), so together they cannot pass the limit.
    /// </summary>
    private static async Task<AllocationContext> LoadAsync(IQuerySession session, Family family, Guid teamId, string workerId,
        Professional caller, CancellationToken ct)
    {
        var worker = await ResponsibleWorkers.CandidateAsync(session, caller.Organisation, workerId, family.Id, ct);
        return new AllocationContext(await session.LoadAsync<Team>(teamId, ct), worker);
    }
}

public sealed class AllocateFamilyValidator : AbstractValidator<AllocateFamily>
{
    public AllocateFamilyValidator()
    {
        RuleFor(x => x.FamilyId).RequiredId();
        RuleFor(x => x.ResponsibleSocialWorkerId).NotEmpty().PlainText(Rules.NameMax);
    }
}
