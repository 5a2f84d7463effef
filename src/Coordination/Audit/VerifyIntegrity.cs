using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Npgsql;
using Wolverine.Http;

namespace Coordination.Audit;

public sealed record IntegrityReport(bool Valid, int Events, string? HeadHash, long? FirstBrokenVersion);

public static class VerifyIntegrityEndpoint
{
    /// <summary>Recomputes the family's hash chain from the rows in the database and names the first version that breaks it.</summary>
    [WolverineGet("/api/families/{familyId}/integrity", OperationId = "verifyIntegrity")]
    [UseLogged(AccessPurpose.Audit)]
    [Tags("Audit")]
    public static async Task<Answer<IntegrityReport>> Get(Guid familyId, IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct) =>
        new(await GetAnswer(familyId, store, log, context, ct));

    private static async Task<IResult> GetAnswer(Guid familyId, IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var (purpose, invalid) = AccessPurpose.Read(context, AccessPurpose.Audit);
        if (invalid is not null)
        {
            return Hosting.Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var refused = await FamilyAudit.RefusedAsync(session, caller, familyId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var report = await VerifyAsync(store, caller.Organisation, familyId, ct);
        if (caller.Agency != Agency.Audit)
        {
            report = report with { HeadHash = null }; // a hash lets withheld content be guessed and checked: for auditors only
        }
        if (await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, familyId, "integrity", purpose!)], ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(report);
    }

    /// <summary>Reads the stream's rows as stored (not through Marten's objects) so that any change made in the database shows.</summary>
    public static async Task<IntegrityReport> VerifyAsync(IDocumentStore store, string organisation, Guid familyId, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the schema is ours; the values are parameters
        command.CommandText = $"""
            select e.version, e.type, e.data::text, e.headers ->> '{HashChain.HashHeader}', e.headers ->> '{HashChain.PreviousHeader}', s.version
            from {schema}.mt_streams s left join {schema}.mt_events e on e.stream_id = s.id and e.tenant_id = s.tenant_id
            where s.id = @id and s.tenant_id = @tenant
            order by e.version
            """;
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("id", familyId));
        command.Parameters.Add(new NpgsqlParameter("tenant", organisation));

        var previous = HashChain.Genesis;
        long expected = 1;
        long streamVersion = 0;
        var count = 0;
        long? broken = null;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            streamVersion = reader.GetInt64(5);
            if (reader.IsDBNull(0))
            {
                continue;
            }
            count++;
            var version = reader.GetInt64(0);
            var stored = reader.IsDBNull(3) ? null : reader.GetString(3);
            var storedPrevious = reader.IsDBNull(4) ? null : reader.GetString(4);
            var recomputed = HashChain.Hash(familyId, version, reader.GetString(1), reader.GetString(2), previous);
            if (broken is null && (version != expected || storedPrevious != previous || stored != recomputed))
            {
                broken = Math.Min(version, expected); // a gap means the missing version is the first broken one
            }
            previous = stored ?? recomputed;
            expected = version + 1;
        }
        if (broken is null && streamVersion >= expected)
        {
            broken = expected; // the stream says there were more facts than remain
        }
        return new IntegrityReport(broken is null, count, count == 0 ? null : previous, broken);
    }
}
