using System.Globalization;
using Coordination.Access;
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
    [UseLogged(AccessPurpose.Audit)]
    [Tags("Audit")]
    public static async Task<Answer<IReadOnlyList<HistoryEntry>>> Get(Guid familyId, long? fromVersion, int? limit, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct) =>
        new(await GetAnswer(familyId, fromVersion, limit, store, log, context, clock, ct));

    private static async Task<IResult> GetAnswer(Guid familyId, long? fromVersion, int? limit, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (fromVersion is < 1 || limit is < 1 or > MaxLimit)
        {
            return Problems.Result(Problems.Invalid(new Dictionary<string, string[]>
            {
                ["fromVersion"] = ["fromVersion is 1 or more."], ["limit"] = [$"limit is between 1 and {MaxLimit}."],
            }));
        }
        var (purpose, invalid) = AccessPurpose.Read(context, AccessPurpose.Audit);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var (picture, refused) = await FamilyAudit.AuthoriseAsync(session, caller, familyId, ct);
        if (refused is not null)
        {
            return refused;
        }
        var from = fromVersion ?? 1;
        var take = limit ?? DefaultLimit;
        var events = await session.Events.FetchStreamAsync(familyId, version: from + take, fromVersion: from, token: ct);
        var systemic = await session.LoadAsync<SystemicTeams.SystemicRecord>(familyId, ct);
        // Cut exactly as the picture is, with today's consents: an auditor sees every datum (each a disclosure), the
        // responsible social worker what their picture shows.
        var cut = new SharingCut(caller, picture!.SharingConsents(clock.GetUtcNow()));
        var page = HistoryViews.For(cut, events.Take(take), picture, systemic);

        List<AccessLogEntry> entries = [AccessLogEntry.Use(caller, familyId, "history", purpose!), .. cut.Disclosures(familyId, purpose!)];
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
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
