using Marten;

namespace Coordination.Writing;

/// <summary>
/// A PostgreSQL advisory lock held until the session's transaction ends, for rules that span more than one stream or
/// document (a worker's caseload, a sender id across organisations): whoever changes the guarded thing takes the same
/// key, so they take turns.
/// </summary>
public static class TransactionLocks
{
    public static async Task TakeAsync(IQuerySession session, string key, CancellationToken ct) =>
        await session.QueryAsync<int>("select 1 from pg_advisory_xact_lock(hashtextextended(?, 0))", ct, $"coordination:{key}");

    /// <summary>A key part for a value that must not travel to the database as itself (an identity code).</summary>
    public static string Fingerprint(string value) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
