using System.Text.Json;
using Marten;
using Npgsql;

namespace Coordination.Hosting;

/// <summary>
/// One page of an organisation's documents in one status, oldest first, after a cursor: an ordered range of an index on
/// (tenant, status, moment, id), so a page reads its own rows and no others, and the cursor is compared exactly, in SQL
/// and in the index's order, however many documents share a moment. The intake's notifications and the school messages
/// page this way.
/// </summary>
/// <param name="Table">The document's table.</param>
/// <param name="Moment">The column of the moment it pages by (a copy of the document's member: microseconds).</param>
/// <param name="IdInC">A text id, compared byte by byte as its index orders it (<c>COLLATE "C"</c>); false for a uuid.</param>
public sealed record StatusPages(string Table, string Moment, bool IdInC)
{
    /// <summary>One document of a page and where it stands in the index: its moment as the column holds it.</summary>
    public sealed record Row<T>(T Document, DateTimeOffset Position);

    /// <summary>The statement a page runs (also what the index test explains).</summary>
    public string Sql(string schema, bool afterCursor)
    {
        var id = IdInC ? "d.id collate \"C\"" : "d.id";
        return $"""
            select d.data::text, d.{Moment} from {schema}.{Table} d
            where d.tenant_id = @org and d.status = @status
            {(afterCursor ? $"and (d.{Moment}, {id}) > (@afterAt, @afterId)" : "")}
            order by d.{Moment}, {id}
            limit @limit
            """;
    }

    public async Task<List<Row<T>>> ReadAsync<T>(IDocumentStore store, string organisation, string status,
        (DateTimeOffset At, object Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // our own table and column names; every value is a parameter
        command.CommandText = Sql(store.Options.DatabaseSchemaName, after is not null);
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("org", organisation));
        command.Parameters.Add(new NpgsqlParameter("status", status));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));
        if (after is { } a)
        {
            command.Parameters.Add(new NpgsqlParameter("afterAt", a.At.ToUniversalTime())); // timestamptz only in UTC
            command.Parameters.Add(new NpgsqlParameter("afterId", a.Id));
        }
        var rows = new List<Row<T>>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Row<T>(JsonSerializer.Deserialize<T>(reader.GetString(0), Json.Storage)!, reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return rows;
    }
}
