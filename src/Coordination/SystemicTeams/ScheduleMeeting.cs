using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record ScheduleMeeting(DateTimeOffset? ScheduledFor);

public sealed record MeetingScheduledResponse(Guid MeetingId, long Version);

public static class ScheduleMeetingEndpoint
{
    [WolverinePost("/api/teams/{teamId}/meetings", OperationId = "scheduleMeeting")]
    [Tags("Systemic teams")]
    [Creates]
    public static async Task<Written<MeetingScheduledResponse>> Post(Guid teamId, ScheduleMeeting command, TeamWrites writes) =>
        new(await writes.AppendAsync(teamId, team => Decide(team, command, writes.Caller, writes.Now)));

    /// <summary>Any member schedules the team's weekly meeting; its agenda is every family of the team.</summary>
    public static Decision Decide(Team team, ScheduleMeeting command, Professional caller, DateTimeOffset now)
    {
        if (team.Current(caller.Id) is null && !team.IsManagedBy(caller))
        {
            return Refusals.NotFound("team");
        }
        var scheduledFor = command.ScheduledFor!.Value;
        if (team.Meetings.Any(m => m.ScheduledFor == scheduledFor))
        {
            return Decision.Refuse(Problems.Conflict("meeting-exists", "The team has a meeting at that time already."));
        }
        var scheduled = new TeamMeetingScheduled(team.Id, Guid.CreateVersion7(), scheduledFor, caller.AsActor(), now);
        return new Decision.Accepted([scheduled], version => new MeetingScheduledResponse(scheduled.MeetingId, version), StatusCodes.Status201Created)
        {
            Location = $"/api/teams/{team.Id}/meetings/{scheduled.MeetingId}/agenda",
        };
    }
}

public sealed class ScheduleMeetingValidator : AbstractValidator<ScheduleMeeting>
{
    public ScheduleMeetingValidator() => RuleFor(x => x.ScheduledFor).NotNull();
}
