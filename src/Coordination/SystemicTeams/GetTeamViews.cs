using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

/// <summary>
/// The team's views: the meeting agenda, the caseload and the members' workload. For the team's current members only:
/// membership is what relates them to these families. Every family listed is use-logged. The views carry no case-note,
/// reflection, hypothesis or action text (see <see cref="TeamCase"/> and <see cref="Arrival"/>), so they show nothing a
/// member's picture withholds.
/// </summary>
public static class GetTeamViewsEndpoint
{
    [WolverineGet("/api/teams/{teamId}/meetings/{meetingId}/agenda", OperationId = "getMeetingAgenda")]
    [UseLogged]
    [Tags("Systemic teams")]
    public static async Task<Answer<AgendaView>> Agenda(Guid teamId, Guid meetingId, IDocumentStore store, AccessLog log, HttpContext context,
        CancellationToken ct) =>
        new(await ViewAsync(teamId, "team-meeting-agenda", store, log, context, async (session, view) =>
        {
            if (view.Team.Meetings.Find(m => m.MeetingId == meetingId) is not { } meeting)
            {
                return Problems.NotFound("meeting");
            }
            var since = view.Team.MeetingBefore(meeting)?.ScheduledFor;
            var arrivals = await Arrivals.SinceAsync(session, view.Cases.Select(c => c.Id).ToList(), since, ct);
            return SystemicTeams.Agenda.For(view.Team, meeting, view.Cases, arrivals, view.Deadlines);
        }, ct));

    /// <summary>
    /// The team's families, each with its next unmet deadline, paged (<c>limit</c>, <c>cursor</c>, <c>Link</c>) in the order of
    /// their ids: a key that does not move while a client pages, as a next deadline would (the meeting agenda orders by
    /// urgency). Only the families of the page are use-logged. A team's caseload is bounded by law (its social workers'
    /// 30-children limit), so the page is cut from the team's cases in the service.
    /// </summary>
    [WolverineGet("/api/teams/{teamId}/caseload", OperationId = "getTeamCaseload")]
    [UseLogged]
    [Tags("Systemic teams")]
    public static async Task<Answer<IReadOnlyList<CaseloadItem>>> Caseload(Guid teamId, int? limit, string? cursor, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var pageSize = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, PageCursor.ReadId, errors);
        if (errors.Count > 0)
        {
            return new(Problems.Result(Problems.Invalid(errors)));
        }
        return new(await ViewAsync(teamId, "team-caseload", store, log, context, (_, view) =>
        {
            var all = SystemicTeams.Caseload.For(view.Cases, view.Deadlines, clock.GetUtcNow());
            var page = all.Where(i => after is not { } a || i.FamilyId.CompareTo(a) > 0).Take(pageSize + 1).ToList();
            if (page.Count > pageSize)
            {
                page.RemoveAt(pageSize);
                context.Response.Headers.Link = $"</api/teams/{teamId}/caseload?limit={pageSize}&cursor={PageCursor.Write(page[^1].FamilyId.ToString("N"))}>; rel=\"next\"";
            }
            return Task.FromResult<object>(page);
        }, ct, listed: body => ((List<CaseloadItem>)body).Select(i => i.FamilyId)));
    }

    [WolverineGet("/api/teams/{teamId}/workload", OperationId = "getTeamWorkload")]
    [UseLogged]
    [Tags("Systemic teams")]
    public static async Task<Answer<IReadOnlyList<WorkloadItem>>> Workload(Guid teamId, IDocumentStore store, AccessLog log, HttpContext context,
        TimeProvider clock, CancellationToken ct) =>
        new(await ViewAsync(teamId, "team-workload", store, log, context, async (session, view) =>
        {
            var memberIds = view.Team.CurrentMemberIds().ToArray();
            var responsibleAnywhere = await session.Query<TeamCase>().Where(c => c.ResponsibleSocialWorkerId.IsOneOf(memberIds)).ToListAsync(ct);
            var children = responsibleAnywhere.GroupBy(c => c.ResponsibleSocialWorkerId!).ToDictionary(g => g.Key, g => g.Sum(c => c.Children.Count));
            return SystemicTeams.Caseload.Workload(view.Team, view.Cases, view.Deadlines, children, clock.GetUtcNow());
        }, ct));

    /// <summary>Authorises, loads the team's cases, builds the view (or a problem), and use-logs every family it lists.</summary>
    /// <param name="listed">The families the answer lists (all the team's when not given): each is use-logged.</param>
    private static async Task<IResult> ViewAsync(Guid teamId, string data, IDocumentStore store, AccessLog log, HttpContext context,
        Func<IQuerySession, TeamView, Task<object>> build, CancellationToken ct, Func<object, IEnumerable<Guid>>? listed = null)
    {
        var caller = Professional.FromClaims(context.User)!;
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var (view, refused) = await LoadAsync(session, caller, teamId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var body = await build(session, view!);
        if (body is ProblemDetails problem)
        {
            return Problems.Result(problem);
        }
        return await LoggedAsync(log, caller, listed?.Invoke(body) ?? view!.Cases.Select(c => c.Id), data, purpose!, body, ct);
    }

    private sealed record TeamView(Team Team, IReadOnlyList<TeamCase> Cases, IReadOnlyDictionary<Guid, List<Deadline>> Deadlines);

    private static async Task<(TeamView?, IResult?)> LoadAsync(IQuerySession session, Professional caller, Guid teamId, CancellationToken ct)
    {
        var team = await session.LoadAsync<Team>(teamId, ct);
        if (team is null || !TeamAccess.MaySee(caller, team))
        {
            return (null, Problems.Result(Problems.NotFound("team")));
        }
        if (team.Current(caller.Id) is null || !caller.IsCaseworkingProfessional)
        {
            return (null, Problems.Result(Problems.Forbidden("The team's views show its families: they are for the team's current members.")));
        }
        var cases = await session.Query<TeamCase>().Where(c => c.TeamId == teamId).ToListAsync(ct);
        // The families' deadlines from their small entries (indexed by family), not their write models: a family's write model
        // carries every concern, assessment and contribution of its years. In the order the write model's JSON kept them
        // (a jsonb object's keys: the shorter first, then byte by byte), so that ties on a due date fall as they did.
        var ids = cases.Select(c => c.Id).ToArray();
        var deadlines = cases.Count == 0
            ? []
            : (await session.Query<DeadlineEntry>().Where(e => e.FamilyId.IsOneOf(ids)).ToListAsync(ct))
                .OrderBy(e => e.Deadline.Key.Length).ThenBy(e => e.Deadline.Key, StringComparer.Ordinal)
                .GroupBy(e => e.FamilyId).ToDictionary(g => g.Key, g => g.Select(e => e.Deadline).ToList());
        return (new TeamView(team, cases, deadlines), null);
    }

    /// <summary>
    /// Every family listed is a use of its record, and, for a member of another agency than social work, a disclosure of
    /// the family record (the frame, docs/sharing.md F2): the views carry nothing else.
    /// </summary>
    private static async Task<IResult> LoggedAsync(AccessLog log, Professional caller, IEnumerable<Guid> families, string data, string purpose,
        object body, CancellationToken ct)
    {
        var entries = Access.SharingCut.FramesListed(caller, families, data, purpose);
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(body);
    }
}
