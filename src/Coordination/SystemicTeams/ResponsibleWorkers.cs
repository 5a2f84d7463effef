using Marten;

namespace Coordination.SystemicTeams;

/// <summary>
/// The children a responsible social worker holds (LsL 13 b §), read under a transaction lock on the worker: whatever
/// changes what they hold (an allocation naming them, their leaving a team) takes the same lock, so two such changes
/// take turns and each decides on what the other committed.
/// </summary>
public static class ResponsibleWorkers
{
    public static async Task LockAsync(IQuerySession session, string organisation, string workerId, CancellationToken ct) =>
        await session.QueryAsync<int>("select 1 from pg_advisory_xact_lock(hashtextextended(?, 0))", ct,
            $"coordination:responsible-worker:{organisation}:{workerId}");

    /// <summary>The cases the worker is responsible for, in the whole organisation (the session's tenant).</summary>
    public static async Task<IReadOnlyList<TeamCase>> CasesAsync(IQuerySession session, string workerId, CancellationToken ct) =>
        await session.Query<TeamCase>().Where(c => c.ResponsibleSocialWorkerId == workerId).ToListAsync(ct);
}
