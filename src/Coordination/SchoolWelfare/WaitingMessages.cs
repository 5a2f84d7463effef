using System.Text.Json;
using Coordination.Hosting;
using Marten;
using Npgsql;

namespace Coordination.SchoolWelfare;

/// <summary>
/// One page of an organisation's messages in one status, oldest first, after a cursor: an ordered range of the index on
/// (tenant, status, receipt, id), so a page reads its own rows and no others however many messages the county holds.
/// </summary>
public static class WaitingMessages
{
    public const string Table = "mt_doc_inboundmessage"; // Marten's table for InboundMessage

    public static void ConfigureIndexes(StoreOptions opts) => opts
        .Column<InboundMessage>(nameof(InboundMessage.Status), "status")
        .Column<InboundMessage>(nameof(InboundMessage.ReceivedAt), "received_at")
        .Ordered<InboundMessage>("inbound_message_waiting", ["tenant_id", "status", "received_at", "id"], lastInC: true);

    /// <summary>One message of a page and where it stands in the index (its receipt as the column holds it: microseconds).</summary>
    public sealed record Row(InboundMessage Message, DateTimeOffset Position)
    {
        public (DateTimeOffset ReceivedAt, string Id) Cursor => (Position, Message.Id);
    }

    public static async Task<List<Row>> PageAsync(IDocumentStore store, string organisation, string status,
        (DateTimeOffset ReceivedAt, string Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql(store.Options.DatabaseSchemaName, after is not null);
        command.Parameters.Add(new NpgsqlParameter("org", organisation));
        command.Parameters.Add(new NpgsqlParameter("status", status));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));
        if (after is { } a)
        {
            command.Parameters.Add(new NpgsqlParameter("afterAt", a.ReceivedAt.ToUniversalTime()));
            command.Parameters.Add(new NpgsqlParameter("afterId", a.Id));
        }
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Row(JsonSerializer.Deserialize<InboundMessage>(reader.GetString(0), Json.Storage)!,
                reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return rows;
    }

    /// <summary>The statement a page runs (also what the index test explains).</summary>
    public static string Sql(string schema, bool afterCursor) => $"""
        select m.data::text, m.received_at from {schema}.{Table} m
        where m.tenant_id = @org and m.status = @status
        {(afterCursor ? "and (m.received_at, m.id collate \"C\") > (@afterAt, @afterId)" : "")}
        order by m.received_at, m.id collate "C"
        limit @limit
        """;
}
