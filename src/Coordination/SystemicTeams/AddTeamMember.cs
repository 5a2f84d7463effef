using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record AddTeamMember(string? ProfessionalId, string? Name, TeamRole? Role);

public sealed record TeamChangedResponse(Guid TeamId, long Version);

public static class AddTeamMemberEndpoint
{
    [WolverinePost("/api/teams/{teamId}/members", OperationId = "addTeamMember")]
    [Tags("Systemic teams")]
    [Creates]
    public static async Task<Written<TeamChangedResponse>> Post(Guid teamId, AddTeamMember command, TeamWrites writes) =>
        new(await writes.AppendAsync(teamId, team => Decide(team, command, writes.Caller, writes.Now)));

    /// <summary>Membership relates the member to every family of the team (docs/sharing.md).</summary>
    public static Decision Decide(Team team, AddTeamMember command, Professional caller, DateTimeOffset now)
    {
        if (!team.IsManagedBy(caller))
        {
            return Decision.Refuse(Problems.Forbidden("Only the team's consultant social worker or coordinator changes its members."));
        }
        if (team.Current(command.ProfessionalId!) is not null)
        {
            return Decision.Refuse(Problems.Conflict("already-a-member", "This professional is a member of the team already."));
        }
        var joined = new TeamMemberJoined(team.Id, command.ProfessionalId!, command.Name!.Trim(), command.Role!.Value, caller.AsActor(), now);
        return Decision.Created(version => new TeamChangedResponse(team.Id, version), joined);
    }
}

public sealed class AddTeamMemberValidator : AbstractValidator<AddTeamMember>
{
    public AddTeamMemberValidator()
    {
        RuleFor(x => x.ProfessionalId).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(x => x.Name).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(x => x.Role).NotNull();
    }
}
