using Coordination.Identity;
using Coordination.Writing;
using Marten;

namespace Coordination.SystemicTeams;

/// <summary>
/// Writes to a team's stream through <see cref="StreamWrites"/> (lock, If-Match, Idempotency-Key, hash chain). A team
/// is visible only to its current members, to those who may manage it and to the organisation's admin; anyone else
/// gets 404.
/// </summary>
public sealed class TeamWrites(StreamWrites writes)
{
    private const string What = "team";

    public Professional Caller => writes.Caller;

    public DateTimeOffset Now => writes.Now;

    public Task<IResult> StartAsync(Guid teamId, Func<Decision> decide) =>
        writes.StartAsync<Team>(teamId, (_, _) => Task.FromResult(decide()), What);

    public Task<IResult> AppendAsync(Guid teamId, Func<Team, Decision> decide) =>
        writes.AppendAsync<Team>(teamId, What, MayWriteAsync, (_, team, _) => Task.FromResult(decide(team)));

    public Task<IResult> AppendAsync<TContext>(Guid teamId, Func<IQuerySession, Team, CancellationToken, Task<TContext>> load,
        Func<Team, TContext, Decision> decide) =>
        writes.AppendAsync<Team>(teamId, What, MayWriteAsync, async (session, team, ct) => decide(team, await load(session, team, ct)));

    private Task<bool> MayWriteAsync(IQuerySession session, Team team, CancellationToken ct) => Task.FromResult(TeamAccess.MaySee(Caller, team));
}

public static class TeamAccess
{
    /// <summary>Members see their team; so do those who manage it. Nobody else learns that it exists.</summary>
    public static bool MaySee(Professional caller, Team team) => team.Current(caller.Id) is not null || team.IsManagedBy(caller);
}

/// <summary>
/// The teams a professional is a current member of, as one statement over the team documents that returns their ids only:
/// a team document carries years of meetings (tens of kilobytes), and the deadline, reminder and worklist reads asked this
/// on every request by loading every team of the organisation.
/// </summary>
public static class TeamMembership
{
    public static async Task<HashSet<Guid>> CurrentTeamsAsync(Marten.IQuerySession session, Professional caller, CancellationToken ct)
    {
        var table = $"{session.DocumentStore.Options.DatabaseSchemaName}.mt_doc_team";
        // The member whose membership has not ended (Team.Current): no until, or a null one.
        // The parameters are marked ^: the jsonpath's own filter is a '?'.
        var ids = await session.QueryAsync<string>('^',
            $"select id::text from {table} where tenant_id = ^ and jsonb_path_exists(data, "
            + "'$.members[*] ? (@.professionalId == $id && (!exists(@.until) || @.until == null))', jsonb_build_object('id', ^::text))",
            ct, session.TenantId, caller.Id);
        return ids.Select(Guid.Parse).ToHashSet();
    }
}
