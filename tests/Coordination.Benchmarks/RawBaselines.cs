using System.Text.Json;
using Coordination.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Benchmarks;

/// <summary>What PostgreSQL itself does on this machine, in this run, for the same work: the denominators.</summary>
public sealed class RawBaselines(NpgsqlDataSource dataSource, string schema)
{
    private string Raw => schema + "_raw";

    public async Task PrepareAsync(IEnumerable<Guid> streamIds)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100 // schema names are ours
        await using (var create = new NpgsqlCommand($"""
            create schema if not exists {Raw};
            create table if not exists {Raw}.stream (id uuid primary key, version int not null);
            create table if not exists {Raw}.inbound (id text primary key, data jsonb not null);
            create table if not exists {Raw}.envelope (id uuid primary key, body bytea not null);
            create table if not exists {Raw}.event (seq bigserial primary key, stream_id uuid not null, version int not null,
                type text not null, data jsonb not null, recorded_at timestamptz not null default now(), unique (stream_id, version));
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using var insert = new NpgsqlCommand($"insert into {Raw}.stream (id, version) select unnest(@ids), 0 on conflict do nothing", connection);
#pragma warning restore CA2100
        insert.Parameters.AddWithValue("ids", streamIds.ToArray());
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>One transaction that bumps a version row and inserts one event row with the JSON: an append, by hand.</summary>
    public async Task<bool> AppendAsync(Guid streamId, string json)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
#pragma warning disable CA2100
        await using var bump = new NpgsqlCommand($"update {Raw}.stream set version = version + 1 where id = @id returning version", connection, transaction);
        bump.Parameters.AddWithValue("id", streamId);
        var version = (int)(await bump.ExecuteScalarAsync())!;
        await using var insert = new NpgsqlCommand($"insert into {Raw}.event (stream_id, version, type, data) values (@id, @v, 'contribution_recorded', @data)",
            connection, transaction);
#pragma warning restore CA2100
        insert.Parameters.AddWithValue("id", streamId);
        insert.Parameters.AddWithValue("v", version);
        insert.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = json });
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>What accepting a school message writes, by hand: the message record and an inbox row, in one transaction.</summary>
    public async Task<bool> AcceptAsync(int i)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
#pragma warning disable CA2100
        await using var record = new NpgsqlCommand($"insert into {Raw}.inbound (id, data) values (@id, @data)", connection, transaction);
        await using var envelope = new NpgsqlCommand($"insert into {Raw}.envelope (id, body) values (@id, @body)", connection, transaction);
#pragma warning restore CA2100
        record.Parameters.AddWithValue("id", $"raw-{Guid.NewGuid():N}-{i}");
        record.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = InboundJson });
        envelope.Parameters.AddWithValue("id", Guid.NewGuid());
        envelope.Parameters.AddWithValue("body", System.Text.Encoding.UTF8.GetBytes(InboundJson));
        await record.ExecuteNonQueryAsync();
        await envelope.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    private const string InboundJson = "{\"messageId\":\"m\",\"type\":\"absence-alert\",\"status\":\"received\",\"message\":{\"pupil\":{\"name\":\"Oppilas\",\"birthDate\":\"2014-01-01\"},\"absenceAlert\":{\"from\":\"2026-10-01\",\"to\":\"2026-11-20\",\"absentHours\":40,\"unexplainedHours\":12,\"note\":\"Poissaoloja maanantaisin.\"}}}";

    /// <summary>An append by hand, then selects until the new row is seen: milliseconds from the commit to the first select that returns it.</summary>
    public async Task<double> AppendThenSeeAsync(Guid streamId, string json)
    {
        await AppendAsync(streamId, json);
        var committed = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"select seq from {Raw}.event where stream_id = @id order by version desc limit 1", connection);
#pragma warning restore CA2100
        select.Parameters.AddWithValue("id", streamId);
        while (await select.ExecuteScalarAsync() is null)
        {
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(committed).TotalMilliseconds;
    }

    /// <summary>
    /// The same data a picture read returns, by hand: the picture's JSONB row by primary key and the family's contribution
    /// texts, in one round trip. (Selecting the picture row alone would compare our read with less data than it returns.)
    /// </summary>
    public async Task<bool> ReadPictureAsync(string tenant, Guid familyId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
#pragma warning disable CA2100
        var picture = new NpgsqlBatchCommand($"select data from {schema}.mt_doc_familypicture where tenant_id = @t and id = @id");
        var texts = new NpgsqlBatchCommand($"select data from {schema}.mt_doc_contributioncontent where tenant_id = @t and (data ->> 'familyId')::uuid = @id");
#pragma warning restore CA2100
        foreach (var command in new[] { picture, texts })
        {
            command.Parameters.AddWithValue("t", tenant);
            command.Parameters.AddWithValue("id", familyId);
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync();
        var rows = 0;
        do
        {
            while (await reader.ReadAsync())
            {
                rows += reader.GetString(0).Length > 0 ? 1 : 0;
            }
        }
        while (await reader.NextResultAsync());
        return rows > 0;
    }

    /// <summary>The rows a list answer is made of, by primary key in one statement: the least any list of them must read.</summary>
    public async Task<bool> ReadDocumentsAsync(string table, Guid[] ids)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"select data from {schema}.{table} where tenant_id = @t and id = any(@ids)", connection);
#pragma warning restore CA2100
        select.Parameters.AddWithValue("t", Seeding.Org);
        select.Parameters.AddWithValue("ids", ids);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetString(0);
        }
        return true;
    }

    /// <summary>The newest page of the organisation's access log, by hand (its primary key, backwards).</summary>
    public async Task<bool> ReadAccessLogPageAsync(string organisation, int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"select * from {schema}.access_log where organisation = @o order by id desc limit @n", connection);
#pragma warning restore CA2100
        select.Parameters.AddWithValue("o", organisation);
        select.Parameters.AddWithValue("n", limit);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
        }
        return rows > 0;
    }

    /// <summary>Select one stream's rows in order: what any replay of a family must read at least.</summary>
    public async Task<bool> ReadStreamAsync(string tenant, Guid streamId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"select data, timestamp from {schema}.mt_events where tenant_id = @t and stream_id = @id order by version", connection);
#pragma warning restore CA2100
        select.Parameters.AddWithValue("t", tenant);
        select.Parameters.AddWithValue("id", streamId);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows += reader.GetString(0).Length > 0 ? 1 : 0;
        }
        return rows > 0;
    }

    /// <summary>
    /// The processing-times counts by hand, over Marten's event table: concerns received in the period with their children and
    /// decision deadline, their decisions, the assessments started and concluded, each as recorded by <paramref name="knownAt"/>.
    /// </summary>
    public async Task<bool> ProcessingTimesAsync(string tenant, DateOnly from, DateOnly to, DateTimeOffset knownAt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"""
            with e as (
              select type, data from {schema}.mt_events
              where tenant_id = @t and timestamp <= @k
                and type in ('concern_raised', 'concern_decided', 'assessment_started', 'assessment_concluded')
            ), m as (
              select jsonb_array_length(r.data -> 'childIds') n, (r.data ->> 'decisionDue')::date due,
                     ((d.data ->> 'occurredAt')::timestamptz at time zone 'Europe/Helsinki')::date decided_on
              from e r left join e d on d.type = 'concern_decided' and d.data ->> 'concernId' = r.data ->> 'concernId'
              where r.type = 'concern_raised'
                and ((r.data ->> 'receivedAt')::timestamptz at time zone 'Europe/Helsinki')::date between @from and @to
            ), a as (
              select (s.data ->> 'completionDue')::date due,
                     ((c.data ->> 'occurredAt')::timestamptz at time zone 'Europe/Helsinki')::date concluded_on
              from e s left join e c on c.type = 'assessment_concluded' and c.data ->> 'assessmentId' = s.data ->> 'assessmentId'
              where s.type = 'assessment_started'
            )
            select (select coalesce(sum(n), 0) from m), (select coalesce(sum(n) filter (where decided_on <= due), 0) from m),
                   (select coalesce(sum(n) filter (where decided_on > due), 0) from m),
                   (select coalesce(sum(n) filter (where decided_on is null and due < @to), 0) from m),
                   (select count(*) filter (where concluded_on between @from and @to) from a),
                   (select count(*) filter (where concluded_on is null and due <= @to) from a)
            """, connection);
#pragma warning restore CA2100
        select.CommandTimeout = 600; // a scan of a county's whole event table
        select.Parameters.AddWithValue("t", tenant);
        select.Parameters.AddWithValue("k", knownAt);
        select.Parameters.AddWithValue("from", from);
        select.Parameters.AddWithValue("to", to);
        await using var reader = await select.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(0);
    }

    /// <summary>SELECT every event row in order and deserialise it into its .NET type: a rebuild's reading, by hand.</summary>
    public async Task<int> ReadAndDeserialiseAllEventsAsync()
    {
        var options = new JsonSerializerOptions();
        Json.ConfigureStorage(options);
        var types = new Dictionary<string, Type?>();
        await using var connection = await dataSource.OpenConnectionAsync();
#pragma warning disable CA2100
        await using var select = new NpgsqlCommand($"select data, mt_dotnet_type from {schema}.mt_events order by seq_id", connection);
#pragma warning restore CA2100
        await using var reader = await select.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            var typeName = reader.IsDBNull(1) ? "" : reader.GetString(1);
            if (!types.TryGetValue(typeName, out var type))
            {
                type = types[typeName] = Type.GetType(typeName);
            }
            if (type is not null && JsonSerializer.Deserialize(reader.GetString(0), type, options) is not null)
            {
                count++;
            }
        }
        return count;
    }
}
