using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>Checks and faults the reliability tests share.</summary>
public static class RecordChecks
{
    /// <summary>The picture the store kept inline for a family equals a fresh fold of the family's stream, field for field.</summary>
    public static async Task AssertPictureIsAFreshFoldAsync(IDocumentStore store, IQuerySession session, Guid familyId, IReadOnlyList<IEvent> events)
    {
        var stored = await session.Json.FindByIdAsync<FamilyPicture>(familyId);
        Assert.NotNull(stored);
        Assert.Equal(Coordination.Audit.HashChain.CanonicalJson(stored),
            Coordination.Audit.HashChain.CanonicalJson(store.Options.Serializer().ToJson(PictureReplay.Fold(events, asOf: null, knownAt: null))));
    }

    /// <summary>
    /// Another transaction holding a family stream's row (a long migration, a stuck session): writers to the family wait
    /// on it until it is released (disposed).
    /// </summary>
    public static async Task<StreamHold> HoldStreamAsync(string schema, Guid streamId)
    {
        var connection = new NpgsqlConnection(await PostgresServer.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var hold = new NpgsqlCommand($"select 1 from {schema}.mt_streams where id = @id for update", connection, transaction);
        hold.Parameters.AddWithValue("id", streamId);
        Assert.NotNull(await hold.ExecuteScalarAsync());
        return new StreamHold(connection, transaction);
    }

    /// <summary>
    /// Makes every scheduled deadline check due now, as the passing days would while a service is down, and returns their
    /// envelope ids.
    /// </summary>
    public static async Task<List<Guid>> PullScheduledChecksForwardAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"update {schema}.wolverine_incoming_envelopes set execution_time = now() where status = 'Scheduled' and message_type like '%CheckDeadline%' returning id",
            connection);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>How many of these envelopes are not yet handled.</summary>
    /// <summary>The inbox's rows of one message type not handled, as text for a failure message (no bodies: they hold client data).</summary>
    public static async Task<string> UnhandledEnvelopesAsync(string connectionString, string schema, string messageType)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            select string_agg(format('%s %s owner=%s attempts=%s due=%s', id, status, owner_id, attempts, execution_time), '; ')
            from {schema}.wolverine_incoming_envelopes where message_type like @type and status <> 'Handled'
            """, connection);
        command.Parameters.AddWithValue("type", messageType);
        return (await command.ExecuteScalarAsync()) as string ?? "none";
    }

    public static async Task<long> UnhandledAsync(string connectionString, string schema, List<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {schema}.wolverine_incoming_envelopes where id = any(@ids) and status <> 'Handled'", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

public sealed class StreamHold(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    private bool _released;

    /// <summary>Ends the hold (a rollback). Safe to call again, so a test may release early and still dispose at its end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        await transaction.DisposeAsync(); // rolls back: the hold ends, nothing it did remains
        await connection.DisposeAsync();
    }
}
