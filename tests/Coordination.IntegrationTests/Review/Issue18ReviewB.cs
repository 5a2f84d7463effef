using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Access;
using Coordination.Assessment;
using Coordination.Audit;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Identity;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SystemicTeams;
using Coordination.Intake;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Coordination.IntegrationTests.Review;

/// <summary>
/// A second adversarial review of issue 18's last changes: <see cref="FamilyReach"/> as the lists' index of relationships,
/// the intake's keyset page, the access log's single unnest statement, the agenda's arrivals read by SQL and the
/// caseworker's two-step deadline page. Each test asserts the correct behaviour: a failing test is a finding.
/// </summary>
public sealed class Issue18ReviewB(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Cursor(params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Next(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;

    private static async Task<List<JsonNode>> ReadAllAsync(HttpClient client, string url, int maxPages = 200)
    {
        var items = new List<JsonNode>();
        for (var (next, pages) = ((string?)url, 0); next is not null; pages++)
        {
            Assert.True(pages < maxPages, $"{url}: the list does not end");
            var response = await client.GetAsync(next);
            items.AddRange((await response.Ok()).AsArray().Select(n => n!.DeepClone()));
            next = Next(response);
        }
        return items;
    }

    private static async Task<JsonNode> Created(Task<HttpResponseMessage> request) => await (await request).Ok(HttpStatusCode.Created);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        return connection;
    }

    // ---------------------------------------------------------------- access log (one unnest statement)

    /// <summary>
    /// The insert names its columns in one order and selects them in another text: every column of every entry must land
    /// where it belongs, NULLs as NULL (no family, no owner, no basis, no justification, no subjects), an empty subject list
    /// as the empty array the old statement wrote, several subjects in order, and the rows' ids in the entries' order.
    /// </summary>
    [Fact]
    public async Task the_access_log_stores_every_column_of_every_entry_as_given_nulls_included_in_order()
    {
        var log = host.Services.GetRequiredService<AccessLog>();
        var purpose = $"review-b-{Guid.NewGuid():N}";
        var (family, a, b) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var entries = new List<AccessLogEntry>
        {
            new(AccessKind.Use, null, "intake", null, "p-1", "Name, with comma", "social-work", purpose),
            new(AccessKind.Disclosure, family, "contribution:x", "child-psychiatry", "p-2", "N2", "school-welfare", purpose, "consent:1,2", "why", [a, b]),
            new(AccessKind.Disclosure, family, "family-record", "social-work", "p-3", "N3", "family-work", purpose, "client-relationship", null, [a]),
            new(AccessKind.Use, family, "picture", null, "p-4", "N4", "social-work", purpose, null, "j", []),
        };
        await log.RecordAsync(Orgs.Pirkanmaa, entries, CancellationToken.None);
        await log.RecordAsync(Orgs.Pirkanmaa, [entries[0] with { ProfessionalId = "p-5" }], CancellationToken.None); // one entry: the same text

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"""
            select kind, organisation, family_id, data, owner_agency, professional_id, professional_name, agency, purpose, basis,
                   justification, subjects, id
            from {log.QualifiedTable} where purpose = @purpose order by id
            """, connection);
        command.Parameters.AddWithValue("purpose", purpose);
        var rows = new List<object?[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = new object?[13];
                reader.GetValues(row!);
                rows.Add([.. row.Select(v => v is DBNull ? null : v)]);
            }
        }
        Assert.Equal(5, rows.Count);
        string?[] Expect(AccessLogEntry e) =>
        [
            Kebab.Name(e.Kind), Orgs.Pirkanmaa, e.FamilyId?.ToString(), e.Data, e.OwnerAgency, e.ProfessionalId, e.ProfessionalName, e.Agency,
            e.Purpose, e.Basis, e.Justification, e.Subjects is null ? null : string.Join(",", e.Subjects),
        ];
        string?[] Got(object?[] r) =>
            [.. r.Take(11).Select(v => v?.ToString()), r[11] is Guid[] s ? string.Join(",", s) : r[11] is null ? null : $"?{r[11]!.GetType()}"];
        var expected = entries.Append(entries[0] with { ProfessionalId = "p-5" }).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Expect(expected[i]), Got(rows[i]));
        }
        Assert.Null(rows[0][11]); // no subjects: NULL, not an empty array
        Assert.Equal(Array.Empty<Guid>(), rows[3][11]); // an empty list given: the empty array, as before

        // The auditor's route shows them as written.
        var shown = (await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/audit/access-log?professionalId=p-2&limit=200")).Ok()).AsArray()
            .Where(e => e!["purpose"]?.GetValue<string>() == purpose).ToList();
        var entry = Assert.Single(shown)!;
        Assert.Equal("consent:1,2", entry["basis"]!.GetValue<string>());
        Assert.Equal(family.ToString(), entry["familyId"]!.GetValue<string>());
    }

    /// <summary>
    /// A read that lists more entries than the old one-row-a-parameter statement could bind (65,535 parameters: 5,462 rows of
    /// twelve) must still be written; and the same statement text serves 1 and 6,000 entries on the same connection pool.
    /// </summary>
    [Fact]
    public async Task the_access_log_writes_thousands_of_entries_in_one_statement()
    {
        var log = host.Services.GetRequiredService<AccessLog>();
        var purpose = $"review-b-bulk-{Guid.NewGuid():N}";
        var entries = Enumerable.Range(0, 6000)
            .Select(i => new AccessLogEntry(AccessKind.Disclosure, i % 3 == 0 ? null : Guid.NewGuid(), $"d:{i}", "social-work", $"bulk-{i}", "N",
                "family-work", purpose, i % 2 == 0 ? null : "atl-64", null, i % 5 == 0 ? [Guid.NewGuid()] : null))
            .ToList();
        await log.RecordAsync(Orgs.Uusimaa, entries, CancellationToken.None);
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*), count(family_id), count(basis), count(subjects), min(id), max(id), bool_and(organisation = @org) from {log.QualifiedTable} where purpose = @purpose",
            connection);
        command.Parameters.AddWithValue("purpose", purpose);
        command.Parameters.AddWithValue("org", Orgs.Uusimaa);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(6000L, reader.GetInt64(0));
        Assert.Equal(4000L, reader.GetInt64(1));
        Assert.Equal(3000L, reader.GetInt64(2));
        Assert.Equal(1200L, reader.GetInt64(3));
        Assert.True(reader.GetBoolean(6));
    }

    // ---------------------------------------------------------------- intake keyset

    /// <summary>
    /// Notifications that share one acceptance (to the tick, and within a microsecond, which the column rounds) page with
    /// limit 1, 2 and 3 each exactly once, in the index's order, and never show another organisation's notification of the
    /// same moment. Crafted cursors (the epoch, the end of time, ids of zeros and of ones, another organisation's id) answer
    /// 200 or 400, never 5xx, and never another organisation's notification.
    /// </summary>
    [Fact(Timeout = 180000)]
    public async Task unmatched_notifications_of_one_moment_page_each_once_in_order_and_stay_in_their_organisation()
    {
        var kuraattori = host.ClientFor(Caller.Kuraattori());
        var receipt = await (await kuraattori.PostJson("/api/concerns", new
        {
            child = new { personId = TestPeople.Born(2015, 3, 3), name = "Ei Kukaan" },
            kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
            description = "Nobody of the organisation holds this child.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Accepted);
        var id = Guid.Parse(receipt["concernId"]!.GetValue<string>());
        Notification? original = null;
        for (var i = 0; i < 200 && original?.Status != NotificationStatus.Unmatched; i++)
        {
            await Task.Delay(50);
            await using var s = host.Store.QuerySession(Orgs.Pirkanmaa);
            original = await s.LoadAsync<Notification>(id);
        }
        Assert.Equal(NotificationStatus.Unmatched, original!.Status);

        var at = original.AcceptedAt;
        var ours = new List<Guid> { id };
        var theirs = new List<Guid>();
        var json = JsonSerializer.Serialize(original, Coordination.Hosting.Json.Storage);
        Notification Copy(long ticks)
        {
            var copy = JsonSerializer.Deserialize<Notification>(json, Coordination.Hosting.Json.Storage)!;
            copy.Id = Guid.NewGuid();
            copy.AcceptedAt = at.AddTicks(ticks);
            return copy;
        }
        await using (var session = host.Store.LightweightSession(Orgs.Pirkanmaa))
        {
            foreach (var ticks in new long[] { 0, 0, 0, 0, 1, 4, 5, 6, 9, -1, -4 })
            {
                var copy = Copy(ticks);
                ours.Add(copy.Id);
                session.Store(copy);
            }
            await session.SaveChangesAsync();
        }
        await using (var session = host.Store.LightweightSession(Orgs.Uusimaa))
        {
            foreach (var ticks in new long[] { 0, 0, 2 })
            {
                var copy = Copy(ticks);
                theirs.Add(copy.Id);
                session.Store(copy);
            }
            await session.SaveChangesAsync();
        }

        // The order the index holds them in, asked of PostgreSQL itself.
        var expected = new List<Guid>();
        await using (var connection = await OpenAsync())
        {
            await using var command = new NpgsqlCommand(
                $"select id from {host.Store.Options.DatabaseSchemaName}.mt_doc_notification where tenant_id = @org and status = 'unmatched' order by accepted_at, id",
                connection);
            command.Parameters.AddWithValue("org", Orgs.Pirkanmaa);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                expected.Add(reader.GetGuid(0));
            }
        }
        Assert.Superset(ours.ToHashSet(), expected.ToHashSet());

        var sw = host.ClientFor(Caller.SocialWorker());
        foreach (var limit in new[] { 1, 2, 3, 200 })
        {
            var all = await ReadAllAsync(sw, $"/api/intake?status=unmatched&limit={limit}");
            var ids = all.Select(n => Guid.Parse(n["concernId"]?.GetValue<string>() ?? n["id"]!.GetValue<string>())).ToList();
            Assert.Equal(expected, ids);
            Assert.DoesNotContain(ids, theirs.Contains);
        }

        var hostile = new List<string>
        {
            Cursor("0", Guid.Empty.ToString("N")), Cursor("1", "ffffffffffffffffffffffffffffffff"),
            Cursor($"{DateTimeOffset.MaxValue.UtcTicks}", Guid.Empty.ToString("N")), Cursor($"{DateTimeOffset.MaxValue.UtcTicks + 1}", Guid.Empty.ToString("N")),
            Cursor($"{at.UtcTicks}", theirs[0].ToString("N")), Cursor($"{at.UtcTicks - 10}", Guid.Empty.ToString("N")),
            Cursor($"{at.UtcTicks + 5}", Guid.Empty.ToString("N")), Cursor("99999999999999999999", Guid.Empty.ToString("N")),
            Cursor($"{at.UtcTicks}"), Cursor($"{at.UtcTicks}", "x", "y"), Cursor($"-{at.UtcTicks}", Guid.Empty.ToString("N")),
            Cursor($"{at.UtcTicks}", theirs[0].ToString("D")), "%00", "",
        };
        foreach (var cursor in hostile)
        {
            var response = await sw.GetAsync($"/api/intake?status=unmatched&limit=2&cursor={cursor}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSafeAnswer(body), $"cursor {cursor}: {(int)response.StatusCode} {body}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"cursor {cursor}: {(int)response.StatusCode}");
            Assert.All(theirs, t => Assert.DoesNotContain(t.ToString(), body, StringComparison.Ordinal));
        }
    }

    // ---------------------------------------------------------------- FamilyReach against the write model

    /// <summary>
    /// <c>projections rebuild -p FamilyReach</c> across pages (a family's facts before and after more than a page of other
    /// facts) and with another organisation holding a stream of the same id but other relationships: afterwards every
    /// family of both organisations holds exactly its write model's relationships, as it did inline, and the lists still
    /// show each organisation's family only to its own related professionals.
    /// </summary>
    [Fact(Timeout = 600000)]
    public async Task a_rebuild_of_family_reach_across_pages_and_organisations_reproduces_every_familys_relationships()
    {
        var team = await TeamScenario.FormedAsync(host);
        var path = await (await new StatutoryPath(host, team.Worker).Registered(children: 1)).WithConcern();
        var id = path.FamilyId;
        var otherWorker = Caller.SocialWorker(Orgs.Uusimaa);
        var facts = (await host.EventsOf(Orgs.Pirkanmaa, id)).Select(e => e.Data).ToList();
        facts[0] = ((FamilyRegistered)facts[0]) with { By = new Actor(otherWorker.Id, otherWorker.Name, Agency.SocialWork, Orgs.Uusimaa) };
        var shared = true;
        try
        {
            await using var theirs = host.Store.LightweightSession(Orgs.Uusimaa);
            theirs.Events.StartStream<Family>(id, HashChain.Seal(theirs, id, 0, HashChain.Genesis, [facts[0]]));
            await theirs.SaveChangesAsync();
        }
        catch (Exception e) when (e.GetType().Name == "ExistingStreamIdCollisionException" || e.InnerException?.GetType().Name == "ExistingStreamIdCollisionException")
        {
            shared = false; // one id, one stream: the rest of the attack still runs
        }
        await using (var filler = host.Store.LightweightSession(Orgs.Uusimaa))
        {
            filler.Events.StartStream(Guid.NewGuid(), Enumerable.Range(0, Coordination.Hosting.ProjectionPaging.RebuildBatchSize + 10)
                .Select(i => (object)new ReviewBFiller(i)).ToArray());
            await filler.SaveChangesAsync();
        }
        TestContext.Current.SendDiagnosticMessage($"Issue18ReviewB: two organisations hold one stream id: {shared}");
        await path.UrgencyAssessed();
        await path.AssessmentStarted();
        await path.InvitedByName(Caller.FamilyWorker());
        await path.Invite("child-psychiatry");
        await (await team.Allocate(id, team.Worker.Id)).Ok();
        await (await team.Allocate(id, team.Consultant.Id, by: team.Consultant)).Ok();

        await EveryReachIsItsWriteModelsAsync("inline");
        using (var daemon = await host.Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync(FamilyReachProjection.Name, TimeSpan.FromMinutes(5), CancellationToken.None);
        }
        await EveryReachIsItsWriteModelsAsync("after the rebuild");

        // The lists still follow: here the consultant is responsible and the worker (a member) relates through the team;
        // there only the other organisation's registering worker relates.
        Assert.Contains(id.ToString(), (await (await host.ClientFor(team.Consultant).GetAsync("/api/families?limit=200")).Ok()).ToJsonString(), StringComparison.Ordinal);
        var there = (await (await host.ClientFor(otherWorker).GetAsync("/api/families?limit=200")).Ok()).ToJsonString();
        Assert.Equal(shared, there.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(id.ToString(), (await (await host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa)).GetAsync("/api/deadlines?limit=200")).Ok()).ToJsonString(), StringComparison.Ordinal);
    }

    private async Task EveryReachIsItsWriteModelsAsync(string when)
    {
        foreach (var org in new[] { Orgs.Pirkanmaa, Orgs.Uusimaa })
        {
            await using var session = host.Store.QuerySession(org);
            var models = await session.Query<Family>().ToListAsync();
            var reaches = (await session.Query<FamilyReach>().ToListAsync()).ToDictionary(r => r.Id);
            string J(Relationships r) => JsonSerializer.Serialize(r, Coordination.Hosting.Json.Storage);
            var wrong = models.Where(m => !reaches.TryGetValue(m.Id, out var r) || J(r.Relationships) != J(m.Relationships))
                .Select(m => $"{m.Id}: model {J(m.Relationships)}\n  reach {(reaches.TryGetValue(m.Id, out var r) ? J(r.Relationships) : "none")}").ToList();
            Assert.True(wrong.Count == 0, $"{when}, {org}: {wrong.Count} of {models.Count} families differ\n{string.Join("\n", wrong.Take(5))}");
            Assert.Empty(reaches.Keys.Except(models.Select(m => m.Id)));
        }
    }

    // ---------------------------------------------------------------- agenda arrivals

    /// <summary>
    /// The agenda names the latest 50 arrivals of a family (as the facts were recorded): 51 contributions, then a concern
    /// notified by a school's kuraattori through the intake, then a child hearing. Expected: the hearing (social work), the
    /// concern (school welfare, its id), the latest 48 contributions (social work, their ids), each at its recording time;
    /// another family of the team with one arrival keeps it.
    /// </summary>
    [Fact(Timeout = 300000)]
    public async Task the_agenda_names_the_latest_fifty_arrivals_each_with_its_kind_agency_id_and_time()
    {
        var team = await TeamScenario.FormedAsync(host);
        var busy = await team.AllocatedFamilyAsync(before: async p => await (await (await p.WithConcern()).UrgencyAssessed()).AssessmentStarted());
        var quiet = await team.AllocatedFamilyAsync();
        for (var i = 0; i < 51; i++)
        {
            await Created(busy.SocialWork.PostJson($"/api/families/{busy.FamilyId}/assessments/{busy.AssessmentId}/contributions", new
            {
                childIds = busy.ChildIds, summary = $"Visit {i}.", observations = "Seen at home.", category = "general", legalBasis = "own-agency",
            }));
        }
        await busy.Notified(host.ClientFor(Caller.Kuraattori()));
        await Created(busy.SocialWork.PostJson($"/api/families/{busy.FamilyId}/assessments/{busy.AssessmentId}/child-hearings",
            new { childId = busy.ChildIds[0], heardAt = StatutoryPath.Now(), method = "in-person", views = "Fine." }));
        var meeting = await team.ScheduleMeeting(DateTimeOffset.UtcNow.AddDays(2));

        var events = await host.EventsOf(Orgs.Pirkanmaa, busy.FamilyId);
        var arrivals = events.Select(e => e.Data switch
        {
            ContributionRecorded c => ("new-contribution", c.ContributionId, Kebab.Name(c.Agency), e.Timestamp),
            ConcernRaised c => ("new-concern", c.ConcernId, Kebab.Name(c.By.Agency), e.Timestamp),
            ChildHearingRecorded h => ("new-hearing", h.HearingId, Kebab.Name(h.By.Agency), e.Timestamp),
            _ => default((string, Guid, string, DateTimeOffset)?),
        }).OfType<(string Reason, Guid Id, string Agency, DateTimeOffset At)>().ToList();
        Assert.Equal(54, arrivals.Count); // the first concern, 51 contributions, the intake's concern, the hearing
        var expected = arrivals.TakeLast(50).ToList();
        Assert.Equal("school-welfare", expected[^2].Agency);

        var agenda = await (await team.As(team.Coordinator).GetAsync($"/api/teams/{team.TeamId}/meetings/{meeting}/agenda")).Ok();
        JsonNode Item(Guid f) => agenda["families"]!.AsArray().Single(i => i!["familyId"]!.GetValue<string>() == f.ToString())!;
        var reasons = Item(busy.FamilyId)["reasons"]!.AsArray()
            .Where(r => r!["reason"]!.GetValue<string>() is "new-contribution" or "new-concern" or "new-hearing").ToList();
        Assert.Equal(expected.Select(a => (a.Reason, a.Id.ToString(), a.Agency)).Order(),
            reasons.Select(r => (r!["reason"]!.GetValue<string>(), r["subjectId"]!.GetValue<string>(), r["agency"]!.GetValue<string>())).Order());
        foreach (var r in reasons)
        {
            var a = expected.Single(x => x.Id.ToString() == r!["subjectId"]!.GetValue<string>());
            var shown = DateTimeOffset.Parse(r!["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.True(Math.Abs((shown - a.At).Ticks) < 10, $"{a.Reason} {a.Id}: at {shown:O}, recorded {a.At:O}");
        }
        var quietReasons = Item(quiet.FamilyId)["reasons"]!.AsArray().Select(r => r!["reason"]!.GetValue<string>()).ToList();
        Assert.Contains("newly-allocated", quietReasons);
        Assert.DoesNotContain("new-contribution", quietReasons);
        // No other organisation's team sees it, nor do its arrivals leak into a team of the same name there.
        await (await host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa)).GetAsync($"/api/teams/{team.TeamId}/meetings/{meeting}/agenda")).Problem(HttpStatusCode.NotFound);
    }

    // ---------------------------------------------------------------- the caseworker's two-step deadline page

    /// <summary>
    /// A family worker invited by name to five families (their deadlines sharing due dates) pages the deadline list, each
    /// state, with limit 1 and 2: the pages together are the whole list (limit 200), once each, in (due date, family, key)
    /// order, and name only the five families; the families list likewise, each with its earliest unmet deadline.
    /// </summary>
    [Fact(Timeout = 300000)]
    public async Task a_caseworkers_deadline_pages_of_one_are_the_whole_list_once_each_in_order()
    {
        var sw = Caller.SocialWorker();
        var familyWorker = Caller.FamilyWorker();
        var related = new List<StatutoryPath>();
        for (var i = 0; i < 5; i++)
        {
            var p = await new StatutoryPath(host, sw).OpenAssessment(children: 1);
            await p.InvitedByName(familyWorker);
            related.Add(p);
        }
        var unrelated = await new StatutoryPath(host, sw).OpenAssessment(children: 1);
        var client = host.ClientFor(familyWorker);
        var mine = related.Select(p => p.FamilyId.ToString()).ToHashSet();
        foreach (var state in new[] { "", "&state=open", "&state=met", "&state=due-soon", "&state=overdue" })
        {
            var whole = await ReadAllAsync(client, $"/api/deadlines?limit=200{state}");
            Assert.All(whole, d => Assert.Contains(d["familyId"]!.GetValue<string>(), mine));
            var keys = whole.Select(d => d.ToJsonString()).ToList();
            foreach (var limit in new[] { 1, 2 })
            {
                var paged = (await ReadAllAsync(client, $"/api/deadlines?limit={limit}{state}")).Select(d => d.ToJsonString()).ToList();
                Assert.Equal(keys, paged);
            }
            var order = whole.Select(d => (d["dueDate"]!.GetValue<string>(), d["familyId"]!.GetValue<string>())).ToList();
            Assert.Equal(order.OrderBy(o => o.Item1, StringComparer.Ordinal).ToList().Select(o => o.Item1), order.Select(o => o.Item1));
        }
        Assert.NotEmpty(await ReadAllAsync(client, "/api/deadlines?limit=200"));

        var families = await ReadAllAsync(client, "/api/families?limit=1");
        Assert.Equal(mine.Order(), families.Select(f => f["familyId"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(unrelated.FamilyId.ToString(), families.Select(f => f["familyId"]!.GetValue<string>()));
        var deadlines = await ReadAllAsync(client, "/api/deadlines?limit=200");
        foreach (var f in families)
        {
            var unmet = deadlines.Where(d => d["familyId"]!.GetValue<string>() == f["familyId"]!.GetValue<string>() && d["metOn"] is null)
                .Select(d => d["dueDate"]!.GetValue<string>()).Order(StringComparer.Ordinal).FirstOrDefault();
            Assert.Equal(unmet, f["nextDeadline"]?["dueDate"]?.GetValue<string>());
        }
    }

    /// <summary>Crafted cursors on the changed lists: 200 or 400, never 5xx, never another family's data.</summary>
    [Fact]
    public async Task crafted_cursors_and_limits_on_the_changed_lists_never_answer_5xx()
    {
        var sw = Caller.SocialWorker();
        var path = await new StatutoryPath(host, sw).OpenAssessment(children: 1);
        var client = host.ClientFor(Caller.FamilyWorker());
        var own = host.ClientFor(sw);
        var cursors = new[]
        {
            Cursor("0001-01-01", Guid.Empty.ToString("N"), "x"), Cursor("9999-12-31", path.FamilyId.ToString("N"), "assessment-completion:" + new string('f', 32)),
            Cursor("2026-01-01", path.FamilyId.ToString("N"), new string('z', 5000)), Cursor(Guid.Empty.ToString("N")), Cursor("ffffffffffffffffffffffffffffffff"),
            Cursor("2026-01-01", "a:b"), Cursor("2026-01-01", new string(':', 80)), Cursor("2026-01-01", "\u0000"), Cursor("-1", "x"),
            Cursor("0", ""), Cursor("", ""), "!!!", "%FF%FE",
        };
        foreach (var route in new[] { "/api/deadlines", "/api/reminders", "/api/families", "/api/intake?status=unmatched", "/api/worklist" })
        {
            foreach (var cursor in cursors)
            {
                foreach (var c in new[] { client, own })
                {
                    var url = $"{route}{(route.Contains('?') ? '&' : '?')}cursor={cursor}";
                    var response = await c.GetAsync(url);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True(response.IsSafeAnswer(body), $"{url}: {(int)response.StatusCode} {body}");
                    if (c == client)
                    {
                        Assert.DoesNotContain(path.FamilyId.ToString(), body, StringComparison.Ordinal);
                    }
                }
            }
            foreach (var limit in new[] { "0", "-1", "201", "2147483648", "1e3", "" })
            {
                var response = await own.GetAsync($"{route}{(route.Contains('?') ? '&' : '?')}limit={limit}");
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSafeAnswer(body), $"{route} limit={limit}: {(int)response.StatusCode} {body}");
            }
        }
    }
}

public sealed record ReviewBFiller(int N);
