using Coordination.Hosting;
using Marten;

namespace Coordination.SchoolWelfare;

/// <summary>
/// One page of an organisation's messages in one status, oldest first, after a cursor (<see cref="StatusPages"/>): an
/// ordered range of the index on (tenant, status, receipt, id), so a page reads its own rows and no others however many
/// messages the county holds.
/// </summary>
public static class WaitingMessages
{
    public const string Table = "mt_doc_inboundmessage"; // Marten's table for InboundMessage

    private static readonly StatusPages Pages = new(Table, "received_at", IdInC: true);

    public static void ConfigureIndexes(StoreOptions opts) => opts
        .Column<InboundMessage>(nameof(InboundMessage.Status), "status")
        .Column<InboundMessage>(nameof(InboundMessage.ReceivedAt), "received_at")
        .Ordered<InboundMessage>("inbound_message_waiting", ["tenant_id", "status", "received_at", "id"], lastInC: true);

    /// <summary>A page: each message with its receipt as the column holds it (microseconds), where the next page starts.</summary>
    public static Task<List<StatusPages.Row<InboundMessage>>> PageAsync(IDocumentStore store, string organisation, string status,
        (DateTimeOffset ReceivedAt, string Id)? after, int limit, CancellationToken ct) =>
        Pages.ReadAsync<InboundMessage>(store, organisation, status, after is { } a ? (a.ReceivedAt, a.Id) : null, limit, ct);

    /// <summary>Where the page after <paramref name="row"/> starts.</summary>
    public static (DateTimeOffset ReceivedAt, string Id) Cursor(StatusPages.Row<InboundMessage> row) => (row.Position, row.Document.Id);

    /// <summary>The statement a page runs (also what the index test explains).</summary>
    public static string Sql(string schema, bool afterCursor) => Pages.Sql(schema, afterCursor);
}
