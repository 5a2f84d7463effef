using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record TeamSummary(Guid TeamId, string Name, TeamRole? MyRole);

public sealed record TeamDetails(Guid TeamId, string Name, long Version, Actor FormedBy, DateTimeOffset FormedAt,
    IReadOnlyList<TeamMember> Members, IReadOnlyList<TeamMember> PastMembers, IReadOnlyList<TeamMeeting> Meetings);

/// <summary>A team's members and meetings, and the teams a caller belongs to. No family data: nothing to use-log.</summary>
public static class GetTeamsEndpoint
{
    [WolverineGet("/api/teams", OperationId = "listMyTeams")]
    [Tags("Systemic teams")]
    public static async Task<Answer<List<TeamSummary>>> List(int? limit, string? cursor, IDocumentStore store, HttpContext context,
        CancellationToken ct) =>
        new(await ListAnswer(limit, cursor, store, context, ct));

    private static async Task<IResult> ListAnswer(int? limit, string? cursor, IDocumentStore store, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var errors = new Dictionary<string, string[]>();
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, PageCursor.ReadId, errors);
        if (errors.Count > 0)
        {
            return Problems.Result(Problems.Invalid(errors));
        }
        await using var session = store.QuerySession(caller.Organisation);
        // A county has tens of teams, not thousands: reading them all is cheaper than indexing membership.
        var teams = await session.Query<Team>().ToListAsync(ct);
        var ordered = teams.Where(t => TeamAccess.MaySee(caller, t)).OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Id).ToList();
        var start = after is { } a ? ordered.FindIndex(t => t.Id == a) + 1 : 0; // teams are never removed, only renamed
        var visible = ordered.Skip(start).Take(take + 1).ToList();
        var page = visible.Take(take).ToList();
        if (visible.Count > take)
        {
            context.Response.Headers.Link = $"</api/teams?limit={take}&cursor={PageCursor.Write(page[^1].Id.ToString("N"))}>; rel=\"next\"";
        }
        return Results.Ok(page.Select(t => new TeamSummary(t.Id, t.Name, t.Current(caller.Id)?.Role)).ToList());
    }

    [WolverineGet("/api/teams/{teamId}", OperationId = "getTeam")]
    [WriteHeaders(etag: true)]
    [Tags("Systemic teams")]
    public static async Task<Answer<TeamDetails>> Get(Guid teamId, IDocumentStore store, HttpContext context, CancellationToken ct) =>
        new(await GetAnswer(teamId, store, context, ct));

    private static async Task<IResult> GetAnswer(Guid teamId, IDocumentStore store, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        await using var session = store.QuerySession(caller.Organisation);
        var team = await session.LoadAsync<Team>(teamId, ct);
        if (team is null || !TeamAccess.MaySee(caller, team))
        {
            return Problems.Result(Problems.NotFound("team"));
        }
        context.Response.Headers.ETag = $"\"{team.Version}\"";
        return Results.Ok(new TeamDetails(team.Id, team.Name, team.Version, team.FormedBy, team.FormedAt,
            team.Members.Where(m => m.Until is null).ToList(), team.Members.Where(m => m.Until is not null).ToList(),
            team.Meetings.OrderBy(m => m.ScheduledFor).ToList()));
    }
}
