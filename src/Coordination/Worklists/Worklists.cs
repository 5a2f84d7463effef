using System.Globalization;
using System.Text.Json;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace Coordination.Worklists;

public sealed record ChildRef(Guid Id, string? Name);

public sealed record NextDeadlineRef(string Kind, DateOnly DueDate);

/// <summary>One family the caller works with, as contract 1.1's <c>GET /api/families</c> lists it: the frame only.</summary>
public sealed record FamilyListItem(Guid FamilyId, IReadOnlyList<ChildRef> Children, string Stage, string? ResponsibleSocialWorkerId,
    NextDeadlineRef? NextDeadline);

public sealed record WorklistDeadline(Guid FamilyId, string Kind, Guid SubjectId, DateOnly DueDate, DeadlineState State, string? ResponsibleId);

/// <param name="Question">Social work's question to the caller's agency (docs/sharing.md N2: shown to the invited, logged).</param>
public sealed record WorklistInvitation(Guid FamilyId, Guid AssessmentId, Guid InvitationId, string? Question, DateOnly? RespondBy);

/// <summary>What waits for the caller this morning (contract 1.1): each list at most <c>limit</c> long, the oldest first.</summary>
public sealed record Worklist(IReadOnlyList<WorklistDeadline> Deadlines, IReadOnlyList<WorklistInvitation> Invitations,
    IReadOnlyList<ReminderItem> Reminders, int UnmatchedIntake);

public static class WorklistEndpoints
{
    /// <summary>
    /// The families the caller has a relationship with (ATL 9 §, as their pictures): children's names, stage, responsible social
    /// worker, the next deadline not met. Registration order; paged with <c>limit</c> and the <c>cursor</c> of <c>Link</c>.
    /// </summary>
    [WolverineGet("/api/families", OperationId = "listMyFamilies")]
    [UseLogged]
    [Tags("Families")]
    public static async Task<Answer<List<FamilyListItem>>> ListFamilies(int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context,
        CancellationToken ct) =>
        new(await ListFamiliesAnswer(limit, cursor, store, log, context, ct));

    private static async Task<IResult> ListFamiliesAnswer(int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context,
        CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsCaseworkingProfessional)
        {
            return Problems.Result(Problems.Forbidden("The families one works with are listed for case-working professionals."));
        }
        var errors = new Dictionary<string, string[]>();
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, PageCursor.ReadId, errors);
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null || errors.Count > 0)
        {
            return Problems.Result(invalid ?? Problems.Invalid(errors));
        }

        var teams = await MyTeamsAsync(store, caller, ct);
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "fr.tenant_id = @org", RelationshipSql.Condition("fr.data -> 'relationships'", caller, teams, command) };
        if (after is { } a)
        {
            where.Add("fr.id > @after");
            command.Parameters.Add(new NpgsqlParameter("after", a));
        }
        command.Parameters.Add(new NpgsqlParameter("org", caller.Organisation));
        command.Parameters.Add(new NpgsqlParameter("limit", take + 1));
#pragma warning disable CA2100 // our own tables and fixed conditions; every value is a parameter
        command.CommandText = $"""
            select fr.id, (fr.data -> 'relationships')::text, tc.data::text,
                   (select (d.data -> 'deadline')::text from {schema}.mt_doc_deadlineentry d
                    where d.tenant_id = fr.tenant_id and d.family_id = fr.id and d.met_on is null
                    order by d.due_date, d.id collate "C" limit 1)
            from {schema}.{FamilyReachProjection.Table} fr join {schema}.mt_doc_teamcase tc on tc.tenant_id = fr.tenant_id and tc.id = fr.id
            where {string.Join(" and ", where)}
            order by fr.id
            limit @limit
            """;
#pragma warning restore CA2100
        var rows = new List<(Guid Id, Relationships Relationships, FamilyListItem Item)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var relationships = JsonSerializer.Deserialize<Relationships>(reader.GetString(1), Json.Storage)!;
                var teamCase = JsonSerializer.Deserialize<SystemicTeams.TeamCase>(reader.GetString(2), Json.Storage)!;
                // The first unmet deadline by due date (its entry: DeadlineEntries).
                var next = reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<Deadline>(reader.GetString(3), Json.Storage);
                rows.Add((reader.GetGuid(0), relationships, new FamilyListItem(reader.GetGuid(0),
                    [.. teamCase.Children.Select(c => new ChildRef(c.ChildId, c.Name))], Kebab.Name(teamCase.Stage),
                    relationships.ResponsibleSocialWorkerId, next is null ? null : new NextDeadlineRef(Kebab.Name(next.Kind), next.DueDate))));
            }
        }
        // The query narrows by the relationship's facts; FamilyAccess, the one judge of ATL 9 §, decides each family again.
        var shown = rows.Take(take).Where(r => Related(caller, r.Relationships, teams)).ToList();
        if (await log.TryRecordAsync(caller.Organisation, SharingCut.FramesListed(caller, shown.Select(r => r.Id), "family-list", purpose!), ct)
            is { } failed)
        {
            return failed;
        }
        if (rows.Count > take && shown.Count > 0)
        {
            context.Response.Headers.Link = $"</api/families?limit={take}&cursor={PageCursor.Write($"{shown[^1].Id:N}")}>; rel=\"next\"";
        }
        return Results.Ok(shown.Select(r => r.Item).ToList());
    }

    /// <summary>
    /// What waits for the caller: their deadlines not yet met (due first), invitations to their agency (or to them by name)
    /// not yet answered in running assessments, their reminders, and for a social worker how many notifications and school
    /// messages wait unmatched in the intake. Each list at most <c>limit</c> long (default 50); the deadline and reminder
    /// routes page the rest.
    /// </summary>
    [WolverineGet("/api/worklist", OperationId = "myWorklist")]
    [UseLogged]
    [Tags("Deadlines")]
    public static async Task<Answer<Worklist>> Get(int? limit, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct) =>
        new(await GetAnswer(limit, store, log, context, clock, ct));

    private static async Task<IResult> GetAnswer(int? limit, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsCaseworkingProfessional)
        {
            return Problems.Result(Problems.Forbidden("A worklist is a case-working professional's."));
        }
        var errors = new Dictionary<string, string[]>();
        var take = Paging.Limit(limit, errors);
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null || errors.Count > 0)
        {
            return Problems.Result(invalid ?? Problems.Invalid(errors));
        }
        var teams = await MyTeamsAsync(store, caller, ct);
        var today = PictureViews.Today(clock);

        // Mine and not met: the passed ones first, then the open ones by due date.
        var deadlineRows = new List<DeadlineRow>();
        foreach (var state in new[] { DeadlineState.Overdue, DeadlineState.Open })
        {
            deadlineRows.AddRange(await DeadlineRows.ReadAsync(store, caller, false, teams,
                new DeadlineQuery(state, today, 7, Mine: true, After: null, Limit: take), ct));
        }
        var deadlines = deadlineRows.Where(r => Related(caller, r.Relationships, teams)).Take(take)
            .Select(r => new WorklistDeadline(r.FamilyId, Kebab.Name(r.Deadline.Kind), r.Deadline.SubjectId, r.Deadline.DueDate,
                DeadlineRules.StateOn(r.Deadline, today), r.Deadline.ResponsibleId)).ToList();
        var reminders = (await ReminderRows.ReadAsync(store, caller, false, teams, null, take, ct))
            .Where(r => Related(caller, r.Relationships, teams)).Select(r => r.Item).ToList();
        var invitations = (await WaitingInvitationsAsync(store, caller, teams, take, ct)).Where(i => Related(caller, i.Relationships, teams)).ToList();
        var unmatched = caller.IsSocialWorker ? await UnmatchedIntakeAsync(store, caller.Organisation, ct) : 0;

        // Each family named is a use of its record (and the frame's disclosure to another agency, F2); each question shown
        // to the invited agency is social work's case record disclosed to it (N2, basis shl-41).
        var entries = new List<AccessLogEntry>();
        var families = deadlines.Select(d => d.FamilyId).Concat(reminders.Select(r => r.FamilyId)).Concat(invitations.Select(i => i.Invitation.FamilyId)).Distinct();
        var shownInvitations = new List<WorklistInvitation>();
        foreach (var familyId in families)
        {
            var cut = new SharingCut(caller, []);
            cut.Frame();
            foreach (var waiting in invitations.Where(i => i.Invitation.FamilyId == familyId))
            {
                var i = waiting.Invitation;
                var decision = cut.Decide($"invitation:{i.Id}", Datum.Invitation(i.Agency, waiting.Children) with { RecordedAt = i.RecordedAt });
                shownInvitations.Add(new WorklistInvitation(i.FamilyId, i.AssessmentId, i.Id, decision.IsShown ? i.Question : null, i.RespondBy));
            }
            entries.Add(AccessLogEntry.Use(caller, familyId, "worklist", purpose!));
            entries.AddRange(cut.Disclosures(familyId, purpose!));
        }
        if (entries.Count == 0)
        {
            entries.Add(AccessLogEntry.Use(caller, null, "worklist", purpose!));
        }
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(new Worklist(deadlines, [.. shownInvitations.OrderBy(i => i.RespondBy ?? DateOnly.MaxValue).ThenBy(i => i.InvitationId)],
            reminders, unmatched));
    }

    private sealed record Waiting(WaitingInvitation Invitation, IReadOnlyList<Guid> Children, Relationships Relationships);

    /// <summary>Invitations to the caller's agency (unnamed) or to the caller, unanswered, in assessments still running.</summary>
    private static async Task<List<Waiting>> WaitingInvitationsAsync(IDocumentStore store, Professional caller, IReadOnlySet<Guid> teams,
        int limit, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        const string assessment = "f.data -> 'assessments' -> (i.data ->> 'assessmentId')";
        var related = RelationshipSql.Condition("fr.data -> 'relationships'", caller, teams, command);
#pragma warning disable CA2100 // our own tables and fixed conditions; every value is a parameter
        command.CommandText = $"""
            select i.data::text, coalesce(({assessment} -> 'childIds')::text, '[]'), (fr.data -> 'relationships')::text
            from {schema}.mt_doc_waitinginvitation i
            join {schema}.mt_doc_family f on f.tenant_id = i.tenant_id and f.id = (i.data ->> 'familyId')::uuid
            join {schema}.{FamilyReachProjection.Table} fr on fr.tenant_id = i.tenant_id and fr.id = f.id
            where i.tenant_id = @org and i.answered = false and i.data ->> 'agency' = @agency
              and (i.data ->> 'professionalId' is null or i.data ->> 'professionalId' = @me)
              and coalesce(({assessment} ->> 'concluded')::boolean, true) = false
              and {related}
            order by (i.data ->> 'respondBy')::date nulls last, i.id
            limit @limit
            """;
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter("org", caller.Organisation));
        command.Parameters.Add(new NpgsqlParameter("agency", Kebab.Name(caller.Agency)));
        command.Parameters.Add(new NpgsqlParameter("me", caller.Id));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));
        var waiting = new List<Waiting>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            waiting.Add(new Waiting(JsonSerializer.Deserialize<WaitingInvitation>(reader.GetString(0), Json.Storage)!,
                JsonSerializer.Deserialize<List<Guid>>(reader.GetString(1), Json.Storage)!,
                JsonSerializer.Deserialize<Relationships>(reader.GetString(2), Json.Storage)!));
        }
        return waiting;
    }

    /// <summary>How many intake notifications and school messages wait unmatched for a social worker (counts, by index).</summary>
    private static async Task<int> UnmatchedIntakeAsync(IDocumentStore store, string organisation, CancellationToken ct)
    {
        await using var session = store.QuerySession(organisation);
        var notifications = await session.Query<Intake.Notification>().CountAsync(n => n.Status == Intake.NotificationStatus.Unmatched, ct);
        var messages = await session.Query<SchoolWelfare.InboundMessage>().CountAsync(m => m.Status == SchoolWelfare.InboundStatus.Unmatched, ct);
        return notifications + messages;
    }

    private static bool Related(Professional caller, Relationships relationships, IReadOnlySet<Guid> teams) =>
        FamilyAccess.HasRelationship(caller, relationships,
            relationships.TeamId is { } team && teams.Contains(team) ? new HashSet<string> { caller.Id } : null);

    private static async Task<IReadOnlySet<Guid>> MyTeamsAsync(IDocumentStore store, Professional caller, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.Organisation);
        return await SystemicTeams.TeamMembership.CurrentTeamsAsync(session, caller, ct);
    }
}
