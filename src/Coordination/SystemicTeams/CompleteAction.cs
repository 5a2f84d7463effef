using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record CompleteAction(DateTimeOffset? CompletedAt, string? Note);

public sealed record ActionCompletedResponse(Guid ActionId, long Version);

public static class CompleteActionEndpoint
{
    [WolverinePost("/api/families/{familyId}/actions/{actionId}/completion", OperationId = "completeAction")]
    [Tags("Systemic teams")]
    public static async Task<Written<ActionCompletedResponse>> Post(Guid familyId, Guid actionId, CompleteAction command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, LoadTeamAsync, (family, team) => Decide(family, team, actionId, command, writes.Caller, writes.Now)));

    /// <summary>The action's owner, or a member of the family's team, records that it was done.</summary>
    public static Decision Decide(Family family, Team? team, Guid actionId, CompleteAction command, Professional caller, DateTimeOffset now)
    {
        if (!family.Actions.TryGetValue(actionId, out var action))
        {
            return Refusals.NotFound("action");
        }
        if (action.OwnerId != caller.Id && team?.Current(caller.Id) is null)
        {
            return Decision.Refuse(Problems.Forbidden("Only the action's owner or a member of the family's team completes it."));
        }
        if (action.Completed)
        {
            return Decision.Refuse(Problems.Conflict("already-completed", "This action was completed already."));
        }
        if ((Refusals.NotACaseTime("completedAt", command.CompletedAt, now)
             ?? Refusals.NotBefore("completedAt", command.CompletedAt, "action-agreed", actionId, action.AgreedAt)) is { } invalid)
        {
            return invalid;
        }
        var completed = new ActionCompleted(actionId, command.Note, caller.AsActor(), command.CompletedAt ?? now);
        return Decision.Ok(version => new ActionCompletedResponse(actionId, version), completed);
    }

    private static async Task<Team?> LoadTeamAsync(IQuerySession session, Family family, CancellationToken ct) =>
        family.Relationships.TeamId is { } teamId ? await session.LoadAsync<Team>(teamId, ct) : null;
}

public sealed class CompleteActionValidator : AbstractValidator<CompleteAction>
{
    public CompleteActionValidator() => RuleFor(x => x.Note).PlainText(Rules.ShortTextMax);
}
