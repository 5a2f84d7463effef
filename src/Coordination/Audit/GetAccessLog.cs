using System.Globalization;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.Audit;

public static class GetAccessLogEndpoint
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    /// <summary>The organisation's use and disclosure log, filtered; page on with <c>afterId</c> (the last id seen). Auditors only.</summary>
    [WolverineGet("/api/audit/access-log", OperationId = "getAccessLog")]
    [UseLogged(AccessPurpose.Audit)]
    [Tags("Audit")]
    public static async Task<Answer<List<AccessLogRow>>> Get(string? familyId, string? professionalId, string? from, string? to, long? afterId, int? limit,
        IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct) =>
        new(await GetAnswer(familyId, professionalId, from, to, afterId, limit, store, log, context, ct));

    private static async Task<IResult> GetAnswer(string? familyId, string? professionalId, string? from, string? to, long? afterId, int? limit,
        IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!AccessLogQueries.IsAuditor(caller))
        {
            return Problems.Result(Problems.Forbidden("The access log is for auditors."));
        }
        var (purpose, invalid) = AccessPurpose.Read(context, AccessPurpose.Audit);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        var errors = new Dictionary<string, string[]>();
        Guid? family = null;
        if (familyId is not null)
        {
            if (Guid.TryParse(familyId, out var parsed)) family = parsed; else errors["familyId"] = ["Not a family id."];
        }
        var fromTime = Time(from, "from", errors);
        var toTime = Time(to, "to", errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is between 1 and {MaxLimit}."];
        }
        if (professionalId is { Length: > 200 })
        {
            errors["professionalId"] = ["Too long."];
        }
        else if (!Validation.Rules.NoControlCharacters(professionalId))
        {
            errors["professionalId"] = ["Control characters are not allowed."]; // PostgreSQL text cannot hold NUL: not a 500
        }
        if (errors.Count > 0)
        {
            return Problems.Result(Problems.Invalid(errors));
        }

        var rows = await AccessLogQueries.ReadAsync(store, caller.Organisation,
            new AccessLogFilter(family is null ? null : [family.Value], professionalId, fromTime, toTime, afterId, limit ?? DefaultLimit), ct);
        if (await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, family, "access-log", purpose!)], ct) is { } failed)
        {
            return failed;
        }
        if (rows.Count == (limit ?? DefaultLimit) && rows.Count > 0)
        {
            // A full page: more may follow, after the last row's id (the same filter, the next rows).
            // The route's own filters as given, never the request's other names (a name is copied into a header).
            var query = new[] { ("familyId", familyId), ("professionalId", professionalId), ("from", from), ("to", to) }
                .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}")
                .Append($"limit={limit ?? DefaultLimit}").Append($"afterId={rows[^1].Id}");
            context.Response.Headers.Link = $"</api/audit/access-log?{string.Join("&", query)}>; rel=\"next\"";
        }
        return Results.Ok(rows);
    }

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors[field] = ["Use an ISO 8601 time, e.g. 2026-11-01T00:00:00+02:00."];
        return null;
    }
}
