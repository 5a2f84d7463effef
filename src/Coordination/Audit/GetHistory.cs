using System.Globalization;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.Audit;

public sealed record HistoryEntry(long Sequence, long Version, string Type, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, Actor Actor,
    object Data, string? Hash, string? PreviousHash);

public static class GetHistoryEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>
    /// Every fact of the family in order: who (id, name, agency, organisation), when it happened, when it was recorded, its
    /// data and its hash. Page with <c>fromVersion</c> and <c>limit</c>; a <c>Link: rel="next"</c> header names the next page.
    /// </summary>
    [WolverineGet("/api/families/{familyId}/history", OperationId = "getHistory")]
    [Tags("Audit")]
    public static async Task<IResult> Get(Guid familyId, long? fromVersion, int? limit, IDocumentStore store, AccessLog log,
        HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (fromVersion is < 1 || limit is < 1 or > MaxLimit)
        {
            return Problems.Result(Problems.Invalid(new Dictionary<string, string[]>
            {
                ["fromVersion"] = ["fromVersion is 1 or more."], ["limit"] = [$"limit is between 1 and {MaxLimit}."],
            }));
        }
        await using var session = store.QuerySession(caller.Organisation);
        var (_, refused) = await FamilyAudit.AuthoriseAsync(session, caller, familyId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var from = fromVersion ?? 1;
        var take = limit ?? DefaultLimit;
        var events = await session.Events.FetchStreamAsync(familyId, version: from + take, fromVersion: from, token: ct);
        var page = events.Take(take).Select(e =>
        {
            var fact = (IFamilyEvent)e.Data;
            return new HistoryEntry(e.Sequence, e.Version, e.EventTypeName, fact.OccurredAt, e.Timestamp, fact.By, e.Data,
                e.GetHeader(HashChain.HashHeader)?.ToString(), e.GetHeader(HashChain.PreviousHeader)?.ToString());
        }).ToList();

        var purpose = AccessPurpose.Read(context).Purpose ?? "audit";
        if (await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, familyId, "history", purpose)], ct) is { } failed)
        {
            return failed;
        }
        if (events.Count > take)
        {
            context.Response.Headers.Link = string.Create(CultureInfo.InvariantCulture,
                $"</api/families/{familyId}/history?fromVersion={from + take}&limit={take}>; rel=\"next\"");
        }
        return Results.Ok(page);
    }
}
