using System.Globalization;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Families;
using Coordination.Validation;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.Audit;

public sealed record RequestAccessReport(string? PersonId);

/// <summary>
/// Who used or received the person's data, when and why, across every family of the organisation that holds them: one
/// page of its entries, oldest first. While more remain the answer carries <c>Link: &lt;...?cursor=...&gt;; rel="next"</c>;
/// the next page is the same request (the same body: the identity code never travels in a URL) with that cursor.
/// </summary>
public sealed record AccessReport(int FamilyCount, DateTimeOffset PreparedAt, IReadOnlyList<AccessLogRow> Entries);

public static class AccessReportsEndpoint
{
    /// <summary>ATL 11 §: a client's right to know who used or received their data and why. Answered by auditors.</summary>
    [WolverinePost("/api/audit/access-reports", OperationId = "requestAccessReport")]
    [UseLogged(AccessPurpose.AccessReport)]
    [Tags("Audit")]
    public static async Task<Answer<AccessReport>> Post(RequestAccessReport request, int? limit, string? cursor, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct) =>
        new(await PostAnswer(request, limit, cursor, store, log, context, clock, ct));

    private static async Task<IResult> PostAnswer(RequestAccessReport request, int? limit, string? cursor, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!AccessLogQueries.IsAuditor(caller))
        {
            return Problems.Result(Problems.Forbidden("Access reports are prepared by auditors."));
        }
        var (purpose, invalid) = AccessPurpose.Read(context, AccessPurpose.AccessReport);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        var errors = new Dictionary<string, string[]>();
        var pageSize = Paging.Limit(limit, errors);
        var page = Paging.After(cursor, ReadCursor, errors);
        if (errors.Count > 0)
        {
            return Problems.Result(Problems.Invalid(errors));
        }
        await using var session = store.QuerySession(caller.Organisation);
        var personId = request.PersonId!;
        var familyIds = (await session.FamiliesHoldingAsync(personId, ct)).ToArray();
        // The person's own rows only (the gate, docs/sharing.md §4): a use of the whole family, or a datum about them; never
        // what concerned a sibling alone. And what was about them before it reached a family: a notification or a school
        // message while it waited unplaced (its rows name no family).
        var pictures = familyIds.Length == 0 ? [] : await session.LoadManyAsync<SituationalPicture.FamilyPicture>(ct, familyIds);
        var members = pictures.SelectMany(p => p.Children.Concat(p.Guardians)).Where(m => m.PersonId == personId).Select(m => m.Id).ToArray();
        var notifications = await session.Query<Intake.Notification>().Where(n => n.Content.Child!.PersonId == personId).Select(n => n.Id).ToListAsync(ct);
        var messages = await session.Query<SchoolWelfare.InboundMessage>().Where(m => m.Message!.Pupil.PersonId == personId).Select(m => m.Id)
            .ToListAsync(ct);
        string[] data = [.. notifications.Select(id => $"concern:{id}"), .. messages.Select(id => $"school-message:{id}")];
        // The report is of the log as its first page found it: its own use rows, and whatever is logged while it is paged,
        // come after that end, so following Link ends (each page is logged, but in the next report).
        var (after, upTo) = page ?? (0L, await AccessLogQueries.LastIdAsync(store, caller.Organisation, ct));
        var entries = familyIds.Length == 0 && data.Length == 0
            ? []
            : await AccessLogQueries.ReadAsync(store, caller.Organisation,
                new AccessLogFilter(familyIds, null, null, null, after, pageSize + 1, AboutMembers: members, OrData: data, UpTo: upTo), ct);
        if (entries.Count > pageSize)
        {
            // One row more than the page: more remain, after the page's last row and up to where the first page stopped.
            entries = entries[..pageSize];
            var next = PageCursor.Write(entries[^1].Id.ToString(CultureInfo.InvariantCulture), upTo.ToString(CultureInfo.InvariantCulture));
            context.Response.Headers.Link = $"</api/audit/access-reports?limit={pageSize}&cursor={next}>; rel=\"next\"";
        }

        var logged = familyIds.Length == 0
            ? [AccessLogEntry.Use(caller, null, "access-report", purpose!)]
            : familyIds.Select(id => AccessLogEntry.Use(caller, id, "access-report", purpose!)).ToList();
        if (await log.TryRecordAsync(caller.Organisation, logged, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(new AccessReport(familyIds.Length, clock.GetUtcNow(), entries));
    }

    /// <summary>A report's cursor: the last row shown, and the last row of the log when its first page was read.</summary>
    private static (long After, long UpTo)? ReadCursor(string text) =>
        PageCursor.Read(text, 2) is [var after, var upTo]
        && long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
        && long.TryParse(upTo, NumberStyles.None, CultureInfo.InvariantCulture, out var u)
            ? (a, u)
            : null;
}

public sealed class RequestAccessReportValidator : AbstractValidator<RequestAccessReport>
{
    public RequestAccessReportValidator() => RuleFor(x => x.PersonId).NotEmpty().PersonalIdentityCode();
}
