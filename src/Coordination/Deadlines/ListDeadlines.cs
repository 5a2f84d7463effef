using System.Globalization;
using System.Text.Json;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;
using Npgsql;
using Wolverine.Http;

namespace Coordination.Deadlines;

/// <param name="WorkingDaysLate">For <c>met-late</c>: how many working days after its due date it was met.</param>
public sealed record DeadlineListItem(Guid FamilyId, string Kind, DateOnly DueDate, DeadlineState State, string? ResponsibleId,
    Guid SubjectId, DateOnly? MetOn, int? WorkingDaysLate);

public static class ListDeadlinesEndpoint
{
    /// <summary>
    /// The statutory deadlines of the families the caller has a relationship with (ATL 9 §: the same families their
    /// picture shows), due date first; a social-work <c>admin</c> sees the whole organisation's. <c>state=open</c> lists every
    /// deadline not met and not passed (due soon included); <c>overdue</c> those passed unmet; <c>met</c> those met by their
    /// date and <c>met-late</c> those met after it; <c>days</c> says what "due soon" means (default 7);
    /// <c>mine=true</c> only those the caller is responsible for. Paged: <c>limit</c> and the <c>cursor</c> of the
    /// <c>Link: rel="next"</c> header.
    /// </summary>
    [WolverineGet("/api/deadlines", OperationId = "listDeadlines")]
    [UseLogged]
    [Tags("Deadlines")]
    public static async Task<Answer<List<DeadlineListItem>>> Get(string? state, int? days, bool? mine, int? limit, string? cursor, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct) =>
        new(await GetAnswer(state, days, mine, limit, cursor, store, log, context, clock, ct));

    private static async Task<IResult> GetAnswer(string? state, int? days, bool? mine, int? limit, string? cursor, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var wholeOrganisation = caller.IsSocialWorkAdmin;
        if (!caller.IsCaseworkingProfessional && !wholeOrganisation)
        {
            return Problems.Result(Problems.Forbidden("Deadlines are for case-working professionals, and a social-work admin."));
        }
        var errors = new Dictionary<string, string[]>();
        DeadlineState? wanted = null;
        if (state is not null)
        {
            if (Kebab.TryParse<DeadlineState>(state, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors["state"] = ["Use open, due-soon, overdue, met or met-late."];
            }
        }
        var dueSoonDays = days ?? 7;
        if (dueSoonDays is < 0 or > 366)
        {
            errors["days"] = ["days is between 0 and 366."];
        }
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, Cursor.Read, errors);
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null || errors.Count > 0)
        {
            return Problems.Result(invalid ?? Problems.Invalid(errors));
        }

        await using var session = store.QuerySession(caller.Organisation);
        var today = PictureViews.Today(clock);
        var teams = wholeOrganisation ? new HashSet<Guid>() : await SystemicTeams.TeamMembership.CurrentTeamsAsync(session, caller, ct);
        var rows = await DeadlineRows.ReadAsync(store, caller, wholeOrganisation, teams, new DeadlineQuery(wanted, today, dueSoonDays,
            mine == true, after, take + 1), ct);
        // The query narrows by the relationship's facts; FamilyAccess, the one judge of ATL 9 §, decides each family again.
        var page = rows.Where(r => wholeOrganisation
                || FamilyAccess.HasRelationship(caller, r.Relationships, r.Relationships.TeamId is { } team && teams.Contains(team)
                    ? new HashSet<string> { caller.Id } : null))
            .Take(take).ToList();
        var items = page.Select(r => new DeadlineListItem(r.FamilyId, Kebab.Name(r.Deadline.Kind), r.Deadline.DueDate,
            DeadlineRules.StateOn(r.Deadline, today, dueSoonDays), r.Deadline.ResponsibleId, r.Deadline.SubjectId, r.Deadline.MetOn,
            DeadlineRules.WorkingDaysLate(r.Deadline))).ToList();

        // Each family listed is a use of its record; for another agency than social work a disclosure of the frame (F2).
        var entries = SharingCut.FramesListed(caller, items.Select(i => i.FamilyId), "deadline-list", purpose!);
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        if (rows.Count > take && page.Count > 0)
        {
            var last = page[^1];
            // The list's own parameters as it read them, never the request's other names (a name is copied into a header).
            var query = new[] { ("state", state), ("days", days?.ToString(CultureInfo.InvariantCulture)), ("mine", mine?.ToString().ToLowerInvariant()) }
                .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}")
                .Append($"limit={take}").Append($"cursor={Cursor.Write(last.Deadline.DueDate, last.FamilyId, last.Deadline.Key)}");
            context.Response.Headers.Link = $"</api/deadlines?{string.Join("&", query)}>; rel=\"next\"";
        }
        return Results.Ok(items);
    }

}

/// <summary>Where a page of deadlines ends: the last item's due date, family and deadline key.</summary>
public sealed record DeadlineCursor(DateOnly DueDate, Guid FamilyId, string Key);

public sealed record DeadlineQuery(DeadlineState? State, DateOnly Today, int DueSoonDays, bool Mine, DeadlineCursor? After, int Limit);

public sealed record DeadlineRow(Guid FamilyId, Deadline Deadline, Relationships Relationships);

/// <summary>The cursor of the deadline list: the last item's due date, family and deadline key.</summary>
public static class Cursor
{
    public static string Write(DateOnly due, Guid familyId, string key) => PageCursor.Write($"{due:yyyy-MM-dd}", $"{familyId:N}", key);

    public static DeadlineCursor? Read(string text) =>
        PageCursor.Read(text, 3) is [var day, var family, var key]
        && DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due)
        && Guid.TryParseExact(family, "N", out var familyId) && IsDeadlineKey(key)
            ? new DeadlineCursor(due, familyId, key)
            : null;

    /// <summary>A key as <see cref="DeadlineRules.Key"/> writes them (<c>assessment-decision:&lt;id&gt;</c>): nothing else reaches the query.</summary>
    private static bool IsDeadlineKey(string key) =>
        key.Split(':') is [var kind, var subject] && kind.Length is > 0 and <= 40 && kind.All(c => c is (>= 'a' and <= 'z') or '-')
        && Guid.TryParseExact(subject, "N", out _);
}

/// <summary>
/// Reads one page of deadlines in one statement, an ordered range of an index on <see cref="DeadlineEntry"/> (tenant, due
/// date, family, key; its unmet, met-late and per-responsible variants): the state is judged in SQL as
/// <see cref="DeadlineRules.StateOn"/> judges it, and the page ends at <see cref="DeadlineQuery.Limit"/>. For a caller who sees
/// only related families, each entry is joined to its family's <see cref="FamilyReach"/>, whose relationship facts narrow the
/// families (GIN index on <c>relationships</c>) and are judged again by <see cref="FamilyAccess"/>.
/// </summary>
public static class DeadlineRows
{
    public static async Task<List<DeadlineRow>> ReadAsync(IDocumentStore store, Professional caller, bool wholeOrganisation,
        IReadOnlySet<Guid> teams, DeadlineQuery q, CancellationToken ct)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = Command(store.Options.DatabaseSchemaName, caller, wholeOrganisation, teams, q);
        command.Connection = connection;
        var rows = new List<DeadlineRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DeadlineRow(reader.GetGuid(0), JsonSerializer.Deserialize<DeadlineEntry>(reader.GetString(1), Json.Storage)!.Deadline,
                reader.IsDBNull(2) ? new Relationships() : JsonSerializer.Deserialize<Relationships>(reader.GetString(2), Json.Storage)!));
        }
        return rows;
    }

    /// <summary>The statement of one page, with its parameters (also what the index test explains).</summary>
    public static NpgsqlCommand Command(string schema, Professional caller, bool wholeOrganisation, IReadOnlySet<Guid> teams, DeadlineQuery q)
    {
        var command = new NpgsqlCommand();
        var where = new List<string> { "d.tenant_id = @org" };
        command.Parameters.Add(new NpgsqlParameter("org", caller.Organisation));
        var related = wholeOrganisation ? null : RelationshipSql.Condition("fr.data -> 'relationships'", caller, teams, command);
        if (q.Mine)
        {
            where.Add("d.responsible_id = @me");
            command.Parameters.Add(new NpgsqlParameter("me", caller.Id));
        }
        switch (q.State)
        {
            case DeadlineState.Met:
                where.Add("d.met_on is not null and d.met_on <= d.due_date");
                break;
            case DeadlineState.MetLate:
                where.Add("d.met_on > d.due_date");
                break;
            case DeadlineState.Overdue:
                where.Add("d.met_on is null and (d.missed or d.due_date < @today)");
                break;
            case DeadlineState.DueSoon:
                where.Add("d.met_on is null and not d.missed and d.due_date >= @today and d.due_date <= @soon");
                break;
            case DeadlineState.Open:
                where.Add("d.met_on is null and not d.missed and d.due_date >= @today");
                break;
        }
        command.Parameters.Add(new NpgsqlParameter("today", q.Today));
        command.Parameters.Add(new NpgsqlParameter("soon", q.Today.AddDays(q.DueSoonDays)));
        if (q.After is { } after)
        {
            // (due date, family, key) as one key: the id is the family's 32 hex digits, then the key.
            where.Add("(d.due_date, d.id collate \"C\") > (@afterDue, @afterId)");
            command.Parameters.Add(new NpgsqlParameter("afterDue", after.DueDate));
            command.Parameters.Add(new NpgsqlParameter("afterId", DeadlineEntry.IdOf(after.FamilyId, after.Key)));
        }
        command.Parameters.Add(new NpgsqlParameter("limit", q.Limit));
#pragma warning disable CA2100 // our own tables and fixed conditions; every value is a parameter
        // A caller who sees only related families: those families first (the GIN index on their FamilyReach, a small row
        // each), then their deadlines (by family, the index carrying what is filtered and sorted on), then the page's
        // entries whole. Left to itself the planner walked the organisation's deadlines in due order and joined each
        // to its family until a page of related ones was found: on a county's data, most of a second.
        command.CommandText = related is null
            ? $"""
              select d.family_id, d.data::text, null::text
              from {schema}.mt_doc_deadlineentry d
              where {string.Join(" and ", where)}
              order by d.due_date, d.id collate "C"
              limit @limit
              """
            : $"""
              with related as materialized (
                select fr.id, fr.data -> 'relationships' as relationships from {schema}.{FamilyReachProjection.Table} fr
                where fr.tenant_id = @org and {related}),
              page as materialized (
                select d.id, d.family_id, d.due_date
                from related r join {schema}.mt_doc_deadlineentry d on d.tenant_id = @org and d.family_id = r.id
                where {string.Join(" and ", where)}
                order by d.due_date, d.id collate "C"
                limit @limit)
              select p.family_id, d.data::text, r.relationships::text
              from page p join {schema}.mt_doc_deadlineentry d on d.tenant_id = @org and d.id = p.id
              join related r on r.id = p.family_id
              order by p.due_date, p.id collate "C"
              """;
#pragma warning restore CA2100
        return command;
    }
}
