using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record FormTeam(string? Name);

public sealed record TeamFormedResponse(Guid TeamId, long Version);

public static class FormTeamEndpoint
{
    [WolverinePost("/api/teams", OperationId = "formTeam")]
    [Tags("Systemic teams")]
    [Creates]
    public static async Task<Written<TeamFormedResponse>> Post(FormTeam command, TeamWrites writes)
    {
        var teamId = Guid.CreateVersion7();
        return new(await writes.StartAsync(teamId, () => Decide(teamId, command, writes.Caller, writes.Now)));
    }

    /// <summary>Child protection teams are formed by social work's consultant social workers and coordinators, or the organisation's social-work admin.</summary>
    public static Decision Decide(Guid teamId, FormTeam command, Professional caller, DateTimeOffset now)
    {
        var socialWorkLead = caller.Agency == Agency.SocialWork && (caller.Has(Role.ConsultantSocialWorker) || caller.Has(Role.Coordinator));
        if (!socialWorkLead && !caller.IsSocialWorkAdmin)
        {
            return Decision.Refuse(Problems.Forbidden("Teams are formed by social work's consultant social workers and coordinators, or a social-work admin."));
        }
        var formed = new TeamFormed(teamId, command.Name!.Trim(), caller.AsActor(), now);
        return Decision.Created(version => new TeamFormedResponse(teamId, version), formed);
    }
}

public sealed class FormTeamValidator : AbstractValidator<FormTeam>
{
    public FormTeamValidator() => RuleFor(x => x.Name).NotEmpty().PlainText(Rules.NameMax);
}
