using System.Globalization;
using System.Text.Json;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace Coordination.Deadlines;

/// <param name="RaisedAt">When the service raised it: the first moment it knew the deadline had passed unmet.</param>
/// <param name="ResponsibleId">Whose it is now: the deadline's responsible (docs/events.md, "Deadlines"); null for the intake's.</param>
public sealed record ReminderItem(Guid FamilyId, string Kind, Guid SubjectId, DateOnly DueDate, string? ResponsibleId, DateTimeOffset RaisedAt);

public static class ListRemindersEndpoint
{
    /// <summary>
    /// The reminders waiting for the caller: statutory deadlines of families they have a relationship with that passed unmet
    /// and are still unmet, and are theirs (<c>responsibleId</c>); a social worker also sees the intake's (nobody's by name). A
    /// social-work <c>admin</c> sees the organisation's. Oldest due first; paged with <c>limit</c> and <c>cursor</c>.
    /// </summary>
    [WolverineGet("/api/reminders", OperationId = "listReminders")]
    [UseLogged]
    [Tags("Deadlines")]
    public static async Task<Answer<List<ReminderItem>>> Get(int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct) =>
        new(await GetAnswer(limit, cursor, store, log, context, ct));

    private static async Task<IResult> GetAnswer(int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var wholeOrganisation = caller.IsSocialWorkAdmin;
        if (!caller.IsCaseworkingProfessional && !wholeOrganisation)
        {
            return Problems.Result(Problems.Forbidden("Reminders are for case-working professionals, and a social-work admin."));
        }
        var errors = new Dictionary<string, string[]>();
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, ReadCursor, errors);
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null || errors.Count > 0)
        {
            return Problems.Result(invalid ?? Problems.Invalid(errors));
        }

        HashSet<Guid> teams;
        await using (var session = store.QuerySession(caller.Organisation))
        {
            teams = wholeOrganisation ? [] : await SystemicTeams.TeamMembership.CurrentTeamsAsync(session, caller, ct);
        }
        var rows = await ReminderRows.ReadAsync(store, caller, wholeOrganisation, teams, after, take + 1, ct);
        // The query narrows by the relationship's facts and whose the reminder is; FamilyAccess, the one judge of ATL 9 §,
        // decides each family again. The next page starts after the last reminder shown, never after one withheld.
        var shown = rows.Take(take).Where(r => wholeOrganisation
                || FamilyAccess.HasRelationship(caller, r.Relationships, r.Relationships.TeamId is { } team && teams.Contains(team)
                    ? new HashSet<string> { caller.Id } : null)).ToList();
        var page = shown.Select(r => r.Item).ToList();

        var entries = SharingCut.FramesListed(caller, page.Select(i => i.FamilyId), "reminders", purpose!);
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        if (rows.Count > take && shown.Count > 0)
        {
            var last = shown[^1];
            context.Response.Headers.Link =
                $"</api/reminders?limit={take}&cursor={PageCursor.Write($"{last.Item.DueDate:yyyy-MM-dd}", last.Key)}>; rel=\"next\"";
        }
        return Results.Ok(page);
    }

    private static (DateOnly Due, string Key)? ReadCursor(string text) =>
        PageCursor.Read(text, 2) is [var day, var key]
        && DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due)
        && key.Length <= 80 && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or ':')
            ? (due, key)
            : null;
}

public sealed record ReminderRow(string Key, ReminderItem Item, Relationships Relationships);

/// <summary>
/// One page of reminders in one statement: the organisation's reminders (one per deadline passed and still unmet) joined to
/// the deadline's <see cref="DeadlineEntry"/>, which says whose it is now and whether it has been met since, and for a caller
/// who sees only related families to the family's <see cref="FamilyReach"/> (judged again by <see cref="FamilyAccess"/>).
/// </summary>
public static class ReminderRows
{
    public static async Task<List<ReminderRow>> ReadAsync(IDocumentStore store, Professional caller, bool wholeOrganisation,
        IReadOnlySet<Guid> teams, (DateOnly Due, string Key)? after, int limit, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "r.tenant_id = @org", "d.met_on is null" };
        var reach = "";
        if (!wholeOrganisation)
        {
            reach = $"join {schema}.{FamilyReachProjection.Table} fr on fr.tenant_id = r.tenant_id and fr.id = (r.data ->> 'familyId')::uuid";
            where.Add(RelationshipSql.Condition("fr.data -> 'relationships'", caller, teams, command));
            where.Add(caller.IsSocialWorker ? "(d.responsible_id = @me or d.responsible_id is null)" : "d.responsible_id = @me");
        }
        if (after is { } a)
        {
            where.Add("((r.data ->> 'dueDate')::date, r.id collate \"C\") > (@afterDue, @afterKey)");
            command.Parameters.Add(new NpgsqlParameter("afterDue", a.Due));
            command.Parameters.Add(new NpgsqlParameter("afterKey", a.Key));
        }
#pragma warning disable CA2100 // our own tables and fixed conditions; every value is a parameter
        // The entry's id is the family's 32 hex digits, a slash and the deadline's key, which is the reminder's id.
        command.CommandText = $"""
            select r.id, r.data::text, (d.data -> 'deadline')::text, {(wholeOrganisation ? "null::text" : "(fr.data -> 'relationships')::text")}
            from {schema}.mt_doc_reminder r
            join {schema}.mt_doc_deadlineentry d on d.tenant_id = r.tenant_id and d.id = replace(r.data ->> 'familyId', '-', '') || '/' || r.id
            {reach}
            where {string.Join(" and ", where)}
            order by (r.data ->> 'dueDate')::date, r.id collate "C"
            limit @limit
            """;
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("org", caller.Organisation));
        command.Parameters.Add(new NpgsqlParameter("me", caller.Id));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));
        var rows = new List<ReminderRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var reminder = JsonSerializer.Deserialize<Reminder>(reader.GetString(1), Json.Storage)!;
            var current = JsonSerializer.Deserialize<Deadline>(reader.GetString(2), Json.Storage)!;
            rows.Add(new ReminderRow(reader.GetString(0),
                new ReminderItem(reminder.FamilyId, Kebab.Name(reminder.Kind), current.SubjectId, reminder.DueDate, current.ResponsibleId, reminder.RaisedAt),
                reader.IsDBNull(3) ? new Relationships() : JsonSerializer.Deserialize<Relationships>(reader.GetString(3), Json.Storage)!));
        }
        return rows;
    }
}
