using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.Assessment;
using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Coordination.IntegrationTests.SystemicTeams;
using Coordination.SituationalPicture;
using Marten;

namespace Coordination.IntegrationTests.Review;

/// <summary>
/// An adversarial review of issue 18: the deadline entries (an inline projection fed only the facts that can change
/// deadlines) and the lists that read them, the jsonpath statement of current team membership, replays folded from lazily
/// written snapshots, the waiting school messages paged by an index, and the hash chain's head read by SQL.
/// A failing test is a finding; a passing one is an attack that held.
/// </summary>
/// <remarks>Findings, both fixed after the review (the cursor's id must be a message key; the Link names only the route's own
/// parameters), their tests now passing: a cursor of the waiting school message lists whose
/// id holds a NUL is 500 on both lists (the id now reaches PostgreSQL as a parameter, 22021); over Kestrel, a query name the
/// deadline list does not know is copied raw into its Link header (500 for a non-ASCII name or a line break, a second link
/// for a name holding <c>&gt;</c> and <c>,</c>), <see cref="Issue18ReviewOverKestrel"/>. Seen once and not reproduced: after
/// the NUL cursors, the next unmatched-list read failed with Npgsql's "Received unexpected backend message DataRow".
/// Held: ex-members and other organisations' tokens reach no team's families (deadlines with any state and cursor,
/// worklist, reminders, family list, caseload, workload); entries and books equal the write models through misses,
/// allocation, reallocation and a rebuild across pages and organisations; a family worker's crafted cursors reach no
/// unrelated family and the log names what was shown; replays at 20 odd moments answer 200/400/404, facts recorded late
/// about moments inside the snapshots fold as the whole stream does (256 moment pairs), two organisations holding one
/// stream id keep their own snapshots, entries and hash chains; a replaced responsible worker can no longer replay or
/// verify; 16 racing writers leave one valid chain; unmatched messages stay in their organisation, each one shown logged.</remarks>
public sealed class Issue18Review(ClockedHost host) : IClassFixture<ClockedHost>
{
    private const string Messages = "/api/integrations/school-welfare/messages";

    private static string T(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(T(t));

    private static string Cursor(params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string[] Parts(string url)
    {
        var cursor = url.Split("cursor=")[1].Split('&')[0];
        var padded = Uri.UnescapeDataString(cursor).Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
    }

    private static string? Next(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;

    private static Caller Admin(string org = Orgs.Pirkanmaa) => new($"adm-{Guid.NewGuid():N}"[..12], "Alli Admin", org, "social-work", "admin");

    private static List<Guid> FamiliesOf(JsonNode list) => [.. list.AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>()))];

    /// <summary>Every page of a list, following Link (at most 50 pages).</summary>
    private static async Task<List<JsonNode>> ReadAllAsync(HttpClient client, string url)
    {
        var items = new List<JsonNode>();
        for (var (next, pages) = ((string?)url, 0); next is not null; pages++)
        {
            Assert.True(pages < 50, $"{url}: the list does not end");
            var response = await client.GetAsync(next);
            items.AddRange((await response.Ok()).AsArray().Select(n => n!));
            next = Next(response);
        }
        return items;
    }

    private async Task<JsonArray> LogOf(string professionalId, Guid? familyId = null, string org = Orgs.Pirkanmaa) =>
        (await (await host.ClientFor(Caller.Auditor(org)).GetAsync(
            $"/api/audit/access-log?professionalId={professionalId}&limit=200{(familyId is { } f ? $"&familyId={f}" : "")}")).Ok()).AsArray();

    private static async Task<JsonNode> Created(Task<HttpResponseMessage> request) => await (await request).Ok(HttpStatusCode.Created);

    /// <summary>A family on an open assessment with <paramref name="contributions"/> more facts (contributions), each at the clock's now.</summary>
    private async Task<StatutoryPath> GrownAsync(Caller socialWorker, int contributions, TimeSpan? step = null)
    {
        var path = await new StatutoryPath(host, socialWorker).OpenAssessment(children: 1);
        for (var i = 0; i < contributions; i++)
        {
            if (step is { } s)
            {
                host.Clock.Advance(s);
            }
            await Created(path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions", new
            {
                childIds = path.ChildIds, summary = $"Visit {i}.", observations = "Seen at home.", category = "general", legalBasis = "own-agency",
                occurredAt = T(host.Clock.GetUtcNow()),
            }));
        }
        return path;
    }

    private void Same(object? expected, object? actual, string what)
    {
        var serializer = host.Store.Options.Serializer();
        var (want, got) = (expected is null ? "null" : serializer.ToJson(expected), actual is null ? "null" : serializer.ToJson(actual));
        if (want != got)
        {
            var at = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i], Math.Min(want.Length, got.Length));
            Assert.Fail($"{what} differs at {at}\nwant …{want[Math.Max(0, at - 200)..Math.Min(want.Length, at + 200)]}\ngot  …{got[Math.Max(0, at - 200)..Math.Min(got.Length, at + 200)]}");
        }
    }

    /// <summary>The three folds of a replay through the store against the full folds of the whole stream.</summary>
    private async Task ReplayEqualsFullFoldAsync(string org, Guid familyId, DateTimeOffset? asOf, DateTimeOffset? knownAt, string where)
    {
        var events = await host.EventsOf(org, familyId);
        await using var session = host.Store.QuerySession(org);
        var replayed = await SnapshotReplay.ReplayAsync(host.Store, session, familyId, asOf, knownAt, CancellationToken.None);
        Same(PictureReplay.Fold(events, asOf, knownAt), replayed.Picture, $"{where}: the picture");
        Same(PictureReplay.Fold(events, null, knownAt), replayed.AsRecorded, $"{where}: the picture as recorded");
        Same(PictureReplay.FoldSystemicRecord(events, asOf, knownAt), replayed.Systemic, $"{where}: the systemic record");
    }

    // ---------------------------------------------------------------- team membership (jsonpath)

    /// <summary>
    /// HELD (unless it fails): a clinician and a coordinator who leave the team see none of its families' deadlines (any
    /// state, any cursor), nor its caseload; the clinician who joins again sees them again (an ended and a current entry of
    /// the same person), the coordinator who does not stays out.
    /// </summary>
    [Fact]
    public async Task an_ex_team_member_sees_none_of_the_teams_families_deadlines_or_caseload()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: p => p.WithConcern());
        var clinician = team.As(team.Clinician);
        var coordinator = team.As(team.Coordinator);
        Assert.Contains(family.FamilyId, FamiliesOf(await (await clinician.GetAsync("/api/deadlines?limit=200")).Ok()));
        Assert.Contains(family.FamilyId, FamiliesOf(await (await coordinator.GetAsync("/api/deadlines?limit=200")).Ok()));

        await (await team.As(team.Consultant).DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Clinician.Id}")).Ok();
        await (await team.As(team.Consultant).DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Coordinator.Id}")).Ok();

        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var entries = await session.Query<DeadlineEntry>().Where(e => e.FamilyId == family.FamilyId).ToListAsync();
        Assert.NotEmpty(entries);
        var cursors = new List<string> { Cursor("0001-01-01", Guid.Empty.ToString("N"), $"urgency-assessment:{Guid.Empty:N}") };
        cursors.AddRange(entries.Select(e => Cursor($"{e.DueDate.AddDays(-1):yyyy-MM-dd}", family.FamilyId.ToString("N"), e.Deadline.Key)));
        foreach (var (who, client) in new[] { (team.Clinician, clinician), (team.Coordinator, coordinator) })
        {
            var loggedBefore = (await LogOf(who.Id, family.FamilyId)).Count;
            foreach (var query in new[] { "", "state=open", "state=due-soon", "state=overdue", "state=met", "mine=true" }
                         .Concat(cursors.Select(c => $"cursor={c}")))
            {
                var listed = await ReadAllAsync(client, $"/api/deadlines?limit=200&{query}");
                Assert.DoesNotContain(family.FamilyId, listed.Select(i => Guid.Parse(i["familyId"]!.GetValue<string>())));
            }
            // Nobody but members and managers learns the team exists: 404 (403 would do too).
            foreach (var view in new[] { "caseload", "workload" })
            {
                var refused = await client.GetAsync($"/api/teams/{team.TeamId}/{view}");
                Assert.True(refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{view}: {(int)refused.StatusCode}");
            }
            var families = await ReadAllAsync(client, "/api/families?limit=200");
            Assert.DoesNotContain(family.FamilyId.ToString(), string.Concat(families.Select(i => i.ToJsonString())), StringComparison.Ordinal);
            var worklist = await (await client.GetAsync("/api/worklist")).Ok();
            Assert.DoesNotContain(family.FamilyId.ToString(), worklist.ToJsonString(), StringComparison.Ordinal);
            var reminders = await (await client.GetAsync("/api/reminders")).Ok();
            Assert.DoesNotContain(family.FamilyId.ToString(), reminders.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(loggedBefore, (await LogOf(who.Id, family.FamilyId)).Count); // nothing of the family shown, nothing logged
        }

        await team.AddMember(team.Clinician, "clinician"); // joins again: one ended and one current membership of the same person
        Assert.Contains(family.FamilyId, FamiliesOf(await (await clinician.GetAsync("/api/deadlines?limit=200")).Ok()));
        Assert.DoesNotContain(family.FamilyId, FamiliesOf(await (await coordinator.GetAsync("/api/deadlines?limit=200")).Ok()));
    }

    /// <summary>HELD (unless it fails): the same professional id under another organisation's token reaches none of this organisation's teams.</summary>
    [Fact]
    public async Task a_members_id_under_another_organisation_reaches_none_of_its_teams()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: p => p.WithConcern());
        foreach (var member in new[] { team.Clinician, team.Coordinator, team.Worker })
        {
            var elsewhere = host.ClientFor(member with { Org = Orgs.Uusimaa });
            var listed = await ReadAllAsync(elsewhere, "/api/deadlines?limit=200");
            Assert.DoesNotContain(family.FamilyId, listed.Select(i => Guid.Parse(i["familyId"]!.GetValue<string>())));
            Assert.DoesNotContain(family.FamilyId.ToString(), (await (await elsewhere.GetAsync("/api/worklist")).Ok()).ToJsonString(), StringComparison.Ordinal);
            Assert.True((await elsewhere.GetAsync($"/api/teams/{team.TeamId}/caseload")).StatusCode is HttpStatusCode.NotFound);
        }
    }

    // ---------------------------------------------------------------- deadline entries

    /// <summary>
    /// HELD (unless it fails): after back-dated concerns (misses made known in the same write), urgency met late, an allocation
    /// (open deadlines reassigned), a second concern while allocated, a reallocation to another worker and an assessment
    /// started, every family's entries and book hold exactly its write model's deadlines and responsible worker.
    /// </summary>
    [Fact]
    public async Task the_deadline_entries_are_the_write_models_deadlines_through_allocation_reallocation_and_misses()
    {
        var team = await TeamScenario.FormedAsync(host);
        var late = await new StatutoryPath(host, team.Worker).Registered(children: 2);
        await late.WithConcern(receivedAt: T(DateTimeOffset.UtcNow.AddDays(-20))); // urgency and decision both passed: misses
        await late.UrgencyAssessed();
        await (await team.Allocate(late.FamilyId, team.Worker.Id)).Ok();
        await late.WithConcern(receivedAt: T(DateTimeOffset.UtcNow.AddDays(-1)));
        await late.UrgencyAssessed();
        await (await team.Allocate(late.FamilyId, team.Consultant.Id)).Ok(); // the open ones move to the consultant
        await late.AssessmentStarted();

        var fresh = await team.AllocatedFamilyAsync(before: async p => { await (await p.WithConcern()).UrgencyAssessed(); });
        await fresh.AssessmentStarted();
        var plain = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);

        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var serializer = host.Store.Options.Serializer();
        foreach (var id in new[] { late.FamilyId, fresh.FamilyId, plain.FamilyId })
        {
            var model = (await session.LoadAsync<Family>(id))!;
            var entries = await session.Query<DeadlineEntry>().Where(e => e.FamilyId == id).ToListAsync();
            var book = await session.LoadAsync<DeadlineBook>(id);
            string Canon(IEnumerable<Deadline> ds) => serializer.ToJson(ds.OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
            Assert.Equal(Canon(model.Deadlines.Values), Canon(entries.Select(e => e.Deadline)));
            Assert.All(entries, e => Assert.Equal(DeadlineEntry.IdOf(id, e.Deadline.Key), e.Id));
            Assert.All(entries, e => Assert.Equal((e.DueDate, e.MetOn, e.MissedRecorded, e.ResponsibleId),
                (e.Deadline.DueDate, e.Deadline.MetOn, e.Deadline.MissedRecorded, e.Deadline.ResponsibleId)));
            Assert.NotNull(book);
            Assert.Equal(Canon(model.Deadlines.Values), Canon(book!.Deadlines.Values));
            Assert.Equal(model.Relationships.ResponsibleSocialWorkerId, book.Relationships.ResponsibleSocialWorkerId);
        }
        var lateModel = (await session.LoadAsync<Family>(late.FamilyId))!;
        Assert.Contains(lateModel.Deadlines.Values, d => d.MissedRecorded);
        Assert.Contains(lateModel.Deadlines.Values, d => d.ResponsibleId == team.Consultant.Id);
    }

    /// <summary>
    /// HELD (unless it fails): the projection folds each family's book across pages of a rebuild (5,000 events a page): a
    /// concern raised, more than a page of other facts (another organisation's stream), then its urgency assessed, an
    /// allocation and an assessment started. After <c>projections rebuild -p DeadlineEntries</c> every family of both
    /// organisations holds exactly its write model's deadlines, as it did inline.
    /// </summary>
    [Fact(Timeout = 600000)]
    public async Task a_rebuild_across_pages_reproduces_every_familys_deadline_entries()
    {
        var team = await TeamScenario.FormedAsync(host);
        var path = await (await new StatutoryPath(host, team.Worker).Registered(children: 1)).WithConcern();
        var there = await (await new StatutoryPath(host, Caller.SocialWorker(Orgs.Uusimaa)).Registered(children: 1)).WithConcern();
        await using (var filler = host.Store.LightweightSession(Orgs.Uusimaa))
        {
            filler.Events.StartStream(Guid.NewGuid(), Enumerable.Range(0, Coordination.Hosting.ProjectionPaging.RebuildBatchSize + 10).Select(i => (object)new ReviewFiller(i)).ToArray());
            await filler.SaveChangesAsync();
        }
        await path.UrgencyAssessed();
        await (await team.Allocate(path.FamilyId, team.Worker.Id)).Ok();
        await path.AssessmentStarted();
        await (await there.UrgencyAssessed()).AssessmentStarted();

        await EveryFamilysEntriesAreItsDeadlinesAsync("inline");
        using var daemon = await host.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(DeadlineEntryProjection.Name, TimeSpan.FromMinutes(5), CancellationToken.None);
        await EveryFamilysEntriesAreItsDeadlinesAsync("after the rebuild");
    }

    private async Task EveryFamilysEntriesAreItsDeadlinesAsync(string when)
    {
        var serializer = host.Store.Options.Serializer();
        string Canon(IEnumerable<Deadline> ds) => serializer.ToJson(ds.OrderBy(d => d.Key, StringComparer.Ordinal).ToList());
        foreach (var org in new[] { Orgs.Pirkanmaa, Orgs.Uusimaa })
        {
            await using var session = host.Store.QuerySession(org);
            var entries = (await session.Query<DeadlineEntry>().ToListAsync()).ToLookup(e => e.FamilyId);
            var models = await session.Query<Family>().ToListAsync();
            var wrong = models.Where(m => Canon(m.Deadlines.Values) != Canon(entries[m.Id].Select(e => e.Deadline)))
                .Select(m => $"{m.Id}: model {Canon(m.Deadlines.Values)}\n  entries {Canon(entries[m.Id].Select(e => e.Deadline))}").ToList();
            Assert.True(wrong.Count == 0, $"{when}, {org}: {wrong.Count} of {models.Count} families differ\n{string.Join("\n", wrong.Take(5))}");
            Assert.Empty(entries.Select(g => g.Key).Except(models.Select(m => m.Id)));
        }
    }

    /// <summary>
    /// HELD (unless it fails): a family worker related to one family only (invited by name) pages the deadline list with every
    /// cursor it can build, one just before each deadline of families it has no relationship with: no page, and no Link
    /// cursor, names another family, and the log names exactly the families shown.
    /// </summary>
    [Fact]
    public async Task a_caseworkers_cursor_never_reaches_an_unrelated_familys_deadline_and_the_log_names_what_was_shown()
    {
        var socialWorker = Caller.SocialWorker();
        var related = await new StatutoryPath(host, socialWorker).OpenAssessment(children: 1);
        var unrelated = new List<StatutoryPath>();
        for (var i = 0; i < 3; i++)
        {
            unrelated.Add(await new StatutoryPath(host, socialWorker).OpenAssessment(children: 1));
        }
        unrelated.Add(await (await new StatutoryPath(host, socialWorker).Registered(children: 1)).WithConcern()); // undecided: the intake's
        var familyWorker = Caller.FamilyWorker();
        await related.InvitedByName(familyWorker);
        var client = host.ClientFor(familyWorker);

        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var others = unrelated.Select(p => p.FamilyId).ToHashSet();
        var theirs = await session.Query<DeadlineEntry>().Where(e => e.FamilyId.IsOneOf(others.ToArray())).ToListAsync();
        Assert.NotEmpty(theirs);
        var queries = new List<string> { "limit=1", "limit=2&state=met", "limit=1&state=open" };
        foreach (var e in theirs)
        {
            queries.Add($"limit=1&cursor={Cursor($"{e.DueDate.AddDays(-1):yyyy-MM-dd}", e.FamilyId.ToString("N"), e.Deadline.Key)}");
            queries.Add($"limit=1&cursor={Cursor($"{e.DueDate:yyyy-MM-dd}", e.FamilyId.ToString("N"), $"{e.Deadline.Key.Split(':')[0]}:{Guid.Empty:N}")}");
        }

        var shown = new HashSet<Guid>();
        foreach (var query in queries)
        {
            for (var (next, pages) = ((string?)$"/api/deadlines?{query}", 0); next is not null && pages < 20; pages++)
            {
                var response = await client.GetAsync(next);
                var families = FamiliesOf(await response.Ok());
                // (Families invited to family work without a name relate every family worker: other tests' families may show.)
                Assert.All(families, f => Assert.DoesNotContain(f, others));
                shown.UnionWith(families);
                next = Next(response);
                if (next is not null)
                {
                    Assert.DoesNotContain(Guid.ParseExact(Parts(next)[1], "N"), others);
                }
            }
        }
        Assert.Contains(related.FamilyId, shown);
        var logged = (await LogOf(familyWorker.Id)).Where(e => e!["data"]!.GetValue<string>() == "deadline-list" && e["familyId"] is not null)
            .Select(e => Guid.Parse(e!["familyId"]!.GetValue<string>())).ToHashSet();
        Assert.True(shown.SetEquals(logged), $"shown {string.Join(",", shown)}, logged {string.Join(",", logged)}");
    }

    // ---------------------------------------------------------------- replays from snapshots

    private static readonly string[] OddMoments =
    [
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000001Z", "0001-01-01T00:00:00-14:00", "0001-01-01T00:00:00%2B00:01",
        "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999%2B14:00", "9999-12-31T23:59:59-14:00", "9999-12-31",
        "1970-01-01T00:00:00Z", "1999-12-31T23:59:59.9999999Z", "2026-02-29T12:00:00Z", "2026-06-01T12:00:00 03:00",
        "2026-06-01T12:00:00.123456789Z", "2026-06-01T24:00:00Z", "%2B275760-09-13T00:00:00Z", "-0001-01-01T00:00:00Z", "now", "",
        "2026-06-01T12:00:00%2B15:00", "2026-06-01T12:00:00%00",
    ];

    /// <summary>HELD (unless it fails): a replay at any moment it is given, as asOf, knownAt or both, is 200, 400 or 404: never 5xx.</summary>
    [Fact(Timeout = 300000)]
    public async Task a_replay_at_an_odd_moment_is_answered_not_failed()
    {
        var path = await GrownAsync(Caller.SocialWorker(), contributions: PictureSnapshots.Every + 5);
        var small = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var auditor = host.ClientFor(Caller.Auditor());
        var now = DateTimeOffset.UtcNow;
        var failed = new List<string>();
        foreach (var familyId in new[] { path.FamilyId, small.FamilyId })
        {
            foreach (var moment in OddMoments)
            {
                foreach (var query in new[] { $"asOf={moment}", $"knownAt={moment}", $"asOf={moment}&knownAt={moment}", $"asOf={moment}&knownAt={Q(now)}",
                             $"asOf={Q(now)}&knownAt={moment}" })
                {
                    var response = await auditor.GetAsync($"/api/families/{familyId}/picture?{query}");
                    var body = await response.Content.ReadAsStringAsync();
                    if (!(response.IsSafeAnswer(body) && (int)response.StatusCode is 200 or 400 or 404))
                    {
                        failed.Add($"{query}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
                    }
                }
            }
        }
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var snapshots = await session.Query<PictureSnapshot>().Where(s => s.FamilyId == path.FamilyId).ToListAsync();
        Assert.All(snapshots, s => Assert.Equal(0, s.Version % PictureSnapshots.Every));
    }

    /// <summary>
    /// HELD (unless it fails): snapshots written, then facts recorded after them that are dated before them (a contribution
    /// about weeks ago, a consent withdrawal told late, a second concern received days before): every replay around those
    /// moments, before and after the late recordings were known, equals the full fold.
    /// </summary>
    [Fact(Timeout = 300000)]
    public async Task facts_recorded_late_about_moments_inside_the_snapshots_fold_as_the_whole_stream_does()
    {
        try
        {
            var start = DateTimeOffset.UtcNow.AddDays(-40);
            host.Clock.SetTo(start);
            var socialWorker = Caller.SocialWorker();
            // Every time from the test's clock (StatutoryPath's own steps read the real one).
            var path = await new StatutoryPath(host, socialWorker).Registered(children: 1);
            var f = $"/api/families/{path.FamilyId}";
            host.Clock.Advance(TimeSpan.FromHours(1));
            await path.WithConcern(receivedAt: T(host.Clock.GetUtcNow().AddMinutes(-30)));
            await (await path.SocialWork.PostJson($"{f}/concerns/{path.ConcernId}/urgency",
                new { urgent = false, assessedAt = T(host.Clock.GetUtcNow()), reasoning = "Not urgent." })).Ok();
            var assessmentId = (await (await path.SocialWork.PostJson($"{f}/concerns/{path.ConcernId}/decision", new
            {
                decision = "start-assessment", decidedAt = T(host.Clock.GetUtcNow()), childAndGuardianInformedAt = T(host.Clock.GetUtcNow()),
            })).Ok(HttpStatusCode.Created))["assessmentId"]!.GetValue<string>();
            var guardian = (await (await path.SocialWork.GetAsync($"{f}/picture")).Ok())["guardians"]![0]!["id"]!.GetValue<string>();
            host.Clock.Advance(TimeSpan.FromHours(1));
            var givenAt = host.Clock.GetUtcNow();
            var consentId = (await Created(path.SocialWork.PostJson($"{f}/consents", new
            {
                givenBy = guardian, recipients = new[] { "family-work" }, dataCategories = new[] { "assessment-contributions" },
                purpose = "service-need-assessment", givenAt = T(givenAt),
            })))["consentId"]!.GetValue<string>();
            var invitation = (await Created(path.SocialWork.PostJson($"{f}/assessments/{assessmentId}/invitations",
                new { agency = "family-work", question = "How is the family doing at home?" })))["invitationId"]!.GetValue<string>();
            var familyWorker = host.ClientFor(Caller.FamilyWorker());
            for (var i = 0; i < PictureSnapshots.Every + 10; i++)
            {
                host.Clock.Advance(TimeSpan.FromHours(6));
                var who = i % 3 == 0 ? familyWorker : path.SocialWork;
                await Created(who.PostJson($"{f}/assessments/{assessmentId}/contributions", new
                {
                    invitationId = i % 3 == 0 ? invitation : null, childIds = path.ChildIds, summary = $"Visit {i}.",
                    observations = "Seen at home.", category = "general", legalBasis = i % 3 == 0 ? "atl-64" : "own-agency",
                    occurredAt = T(host.Clock.GetUtcNow()),
                }));
            }
            var beforeLate = host.Clock.GetUtcNow();
            var auditor = host.ClientFor(Caller.Auditor());
            await (await auditor.GetAsync($"{f}/picture?knownAt={Q(beforeLate)}")).Ok(); // writes the snapshot at 50

            host.Clock.Advance(TimeSpan.FromHours(1));
            var about = givenAt.AddDays(2); // inside the first snapshot's span
            await Created(path.SocialWork.PostJson($"{f}/assessments/{assessmentId}/contributions", new
            {
                childIds = path.ChildIds, summary = "Told late.", observations = "About weeks ago.", category = "general", legalBasis = "own-agency",
                occurredAt = T(about),
            }));
            host.Clock.Advance(TimeSpan.FromHours(1));
            var withdrawnAt = givenAt.AddDays(4);
            await (await path.SocialWork.PostJson($"{f}/consents/{consentId}/withdrawal", new { withdrawnAt = T(withdrawnAt), reason = "Told on the phone." })).Ok();
            host.Clock.Advance(TimeSpan.FromHours(1));
            await path.WithConcern(receivedAt: T(givenAt.AddDays(3)));
            for (var i = 0; i < PictureSnapshots.Every; i++) // past the second snapshot, which holds the late facts
            {
                host.Clock.Advance(TimeSpan.FromHours(1));
                await Created(path.SocialWork.PostJson($"{f}/assessments/{assessmentId}/contributions", new
                {
                    childIds = path.ChildIds, summary = $"After {i}.", observations = "Seen.", category = "general", legalBasis = "own-agency",
                    occurredAt = T(host.Clock.GetUtcNow()),
                }));
            }
            var end = host.Clock.GetUtcNow();
            host.Clock.Reset();
            await (await auditor.GetAsync($"{f}/picture?knownAt={Q(end)}")).Ok(); // extends to every snapshot

            await using (var session = host.Store.QuerySession(Orgs.Pirkanmaa))
            {
                Assert.True(await session.Query<PictureSnapshot>().CountAsync(s => s.FamilyId == path.FamilyId) >= 2);
            }
            var moments = new DateTimeOffset?[]
            {
                null, start, givenAt, about.AddTicks(-10), about, about.AddHours(1), withdrawnAt.AddTicks(-10), withdrawnAt, withdrawnAt.AddHours(1),
                givenAt.AddDays(3), givenAt.AddDays(8), beforeLate, beforeLate.AddMinutes(90), beforeLate.AddMinutes(150), end, end.AddDays(1),
            };
            foreach (var asOf in moments)
            {
                foreach (var knownAt in moments)
                {
                    await ReplayEqualsFullFoldAsync(Orgs.Pirkanmaa, path.FamilyId, asOf, knownAt, $"asOf {asOf:O}, knownAt {knownAt:O}");
                }
            }

        }
        finally
        {
            host.Clock.Reset();
        }
    }

    /// <summary>
    /// HELD (unless it fails, or unless the store refuses a second stream of the same id, which is then asserted): another
    /// organisation holding a stream of the same id (written straight to the store, with a municipality of its own) replays
    /// its own facts, from its own snapshots, and each organisation's hash chain continues from its own head.
    /// </summary>
    [Fact(Timeout = 300000)]
    public async Task a_stream_of_the_same_id_in_another_organisation_shares_no_snapshot_and_no_chain()
    {
        var path = await GrownAsync(Caller.SocialWorker(), contributions: PictureSnapshots.Every + 5);
        var id = path.FamilyId;
        var ours = await host.EventsOf(Orgs.Pirkanmaa, id);
        var facts = ours.Select(e => e.Data).ToList();
        facts[0] = ((FamilyRegistered)facts[0]) with { Municipality = "Vantaa" };
        try
        {
            await using var theirs = host.Store.LightweightSession(Orgs.Uusimaa);
            theirs.Events.StartStream<Family>(id, HashChain.Seal(theirs, id, 0, HashChain.Genesis, facts));
            await theirs.SaveChangesAsync();
        }
        catch (Exception e) when (e.GetType().Name == "ExistingStreamIdCollisionException" || e.InnerException?.GetType().Name == "ExistingStreamIdCollisionException")
        {
            TestContext.Current.SendDiagnosticMessage("Issue18Review: the store refuses a second stream of the same id in another organisation");
            return; // one id, one stream, across organisations: nothing to share
        }

        TestContext.Current.SendDiagnosticMessage("Issue18Review: two organisations hold a stream of the same id");
        var now = DateTimeOffset.UtcNow.AddSeconds(1);
        var here = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{id}/picture?knownAt={Q(now)}")).Ok();
        var there = await (await host.ClientFor(Caller.Auditor(Orgs.Uusimaa)).GetAsync($"/api/families/{id}/picture?knownAt={Q(now)}")).Ok();
        Assert.Equal("Tampere", here["municipality"]!.GetValue<string>());
        Assert.Equal("Vantaa", there["municipality"]!.GetValue<string>());
        // Again, from the snapshots both replays wrote.
        Assert.Equal("Tampere", (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{id}/picture?knownAt={Q(now)}")).Ok())["municipality"]!.GetValue<string>());
        Assert.Equal("Vantaa", (await (await host.ClientFor(Caller.Auditor(Orgs.Uusimaa)).GetAsync($"/api/families/{id}/picture?knownAt={Q(now)}")).Ok())["municipality"]!.GetValue<string>());
        foreach (var (org, municipality) in new[] { (Orgs.Pirkanmaa, "Tampere"), (Orgs.Uusimaa, "Vantaa") })
        {
            await using var session = host.Store.QuerySession(org);
            var states = await session.Query<PictureSnapshotState>().Where(s => s.FamilyId == id).ToListAsync();
            Assert.NotEmpty(states);
            Assert.All(states, s => Assert.Equal(municipality, s.Picture!.Municipality));
            await ReplayEqualsFullFoldAsync(org, id, null, now, $"{org} knownAt now");
            await ReplayEqualsFullFoldAsync(org, id, ((IFamilyEvent)ours[PictureSnapshots.Every + 2].Data).OccurredAt, null, $"{org} asOf");
        }

        // Each chain goes on from its own head: a write here through the API, one there as the service writes.
        await Created(path.SocialWork.PostJson($"/api/families/{id}/assessments/{path.AssessmentId}/contributions", new
        {
            childIds = path.ChildIds, summary = "After the other organisation wrote.", observations = "Seen.", category = "general", legalBasis = "own-agency",
        }));
        await using (var theirs = host.Store.LightweightSession(Orgs.Uusimaa))
        {
            var stream = await theirs.Events.FetchForExclusiveWriting<Family>(id);
            var last = facts.OfType<ContributionRecorded>().Last();
            await HashChain.AppendSealedAsync(theirs, stream, [last with { ContributionId = Guid.NewGuid(), Summary = "There." }], CancellationToken.None);
            await theirs.SaveChangesAsync();
        }
        await Created(path.SocialWork.PostJson($"/api/families/{id}/assessments/{path.AssessmentId}/contributions", new
        {
            childIds = path.ChildIds, summary = "Again here.", observations = "Seen.", category = "general", legalBasis = "own-agency",
        }));
        await EveryFamilysEntriesAreItsDeadlinesAsync("one stream id in two organisations");
        var report = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{id}/integrity")).Ok();
        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        var reportThere = await (await host.ClientFor(Caller.Auditor(Orgs.Uusimaa)).GetAsync($"/api/families/{id}/integrity")).Ok();
        Assert.True(reportThere["valid"]!.GetValue<bool>(), reportThere.ToJsonString());
        Assert.Equal(ours.Count + 2, report["events"]!.GetValue<int>());
        Assert.Equal(ours.Count + 1, reportThere["events"]!.GetValue<int>());
    }

    /// <summary>
    /// HELD (unless it fails): a responsible social worker replaced by a reallocation can no longer replay the family's
    /// history (a team member still: 403) nor verify it (404); the newly named one can. The relationships read for it are the
    /// picture's current ones.
    /// </summary>
    [Fact]
    public async Task a_replaced_responsible_social_worker_can_no_longer_replay_or_verify()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: p => p.WithConcern());
        var now = Q(DateTimeOffset.UtcNow.AddSeconds(1));
        var worker = team.As(team.Worker);
        await (await worker.GetAsync($"/api/families/{family.FamilyId}/picture?knownAt={now}")).Ok();
        await (await worker.GetAsync($"/api/families/{family.FamilyId}/integrity")).Ok();

        await (await team.Allocate(family.FamilyId, team.Consultant.Id)).Ok();
        await (await worker.GetAsync($"/api/families/{family.FamilyId}/picture?knownAt={now}")).Problem(HttpStatusCode.Forbidden);
        await (await worker.GetAsync($"/api/families/{family.FamilyId}/integrity")).Problem(HttpStatusCode.NotFound);
        var consultant = team.As(team.Consultant);
        await (await consultant.GetAsync($"/api/families/{family.FamilyId}/picture?knownAt={now}")).Ok();
        await (await consultant.GetAsync($"/api/families/{family.FamilyId}/integrity")).Ok();
        // The same id under another organisation replays nothing.
        // Ids that are no family of the organisation: a team's stream, the empty id.
        var auditor = host.ClientFor(Caller.Auditor());
        foreach (var notAFamily in new[] { team.TeamId, Guid.Empty })
        {
            await (await auditor.GetAsync($"/api/families/{notAFamily}/picture?knownAt={now}")).Problem(HttpStatusCode.NotFound);
            await (await auditor.GetAsync($"/api/families/{notAFamily}/picture?asOf={now}")).Problem(HttpStatusCode.NotFound);
            await (await auditor.GetAsync($"/api/families/{notAFamily}/integrity")).Problem(HttpStatusCode.NotFound);
        }
        var elsewhere = host.ClientFor(team.Consultant with { Org = Orgs.Uusimaa });
        await (await elsewhere.GetAsync($"/api/families/{family.FamilyId}/picture?knownAt={now}")).Problem(HttpStatusCode.NotFound);
        await (await elsewhere.GetAsync($"/api/families/{family.FamilyId}/integrity")).Problem(HttpStatusCode.NotFound);
    }

    // ---------------------------------------------------------------- hash chain

    /// <summary>HELD (unless it fails): writers racing on one family leave one unbroken chain (each head read under the stream lock).</summary>
    [Fact(Timeout = 180000)]
    public async Task racing_writers_leave_one_unbroken_chain()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var before = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;
        var writes = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions", new
            {
                childIds = path.ChildIds, summary = $"Racer {i}.", observations = "Seen.", category = "general", legalBasis = "own-agency",
            }))).ToList();
        var answers = await Task.WhenAll(writes);
        var made = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)a.StatusCode}"));
        var report = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok();
        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Equal(before + made, report["events"]!.GetValue<int>());
    }

    // ---------------------------------------------------------------- waiting school messages

    public static TheoryData<string> HostileMessageCursors => new()
    {
        Cursor("0", "\0"), Cursor("638000000000000000", "msg\0x"), Cursor("0", "x"), Cursor("3155378975999999999", "x"),
        Cursor("3155378975999999999", new string('z', 250)), Cursor("1", "\u00e9\u00e4"), Cursor("0", "\uFFFF"), Cursor("0", "\u0001"),
        Cursor("0", "'; select 1; --"), Cursor("0", "x", "y"), Cursor("-1", "x"), Cursor("3155378975999999999999", "x"), Cursor("0", ""),
        Cursor("99", "\ud800"),
    };

    /// <summary>
    /// FINDING, fixed (was 500 for the NUL cases, on the unmatched list first; now 400): a cursor is read back as (ticks, id) and the id, any text of up to 400 characters, now travels to
    /// PostgreSQL as a parameter of the index range (before, it was compared in memory). A NUL in it is refused by the server
    /// (22021), which is not a transient failure: 500 for any caller who sends such a cursor, on both lists.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileMessageCursors))]
    public async Task hostile_cursors_on_the_waiting_message_lists_are_refused_not_failed(string cursor)
    {
        foreach (var (status, who) in new[] { ("unmatched", Caller.SocialWorker()), ("dead-lettered", Admin()) })
        {
            var response = await host.ClientFor(who).GetAsync($"{Messages}?status={status}&limit=2&cursor={cursor}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSafeAnswer(body) && (int)response.StatusCode is 200 or 400, $"{status}, cursor {cursor}: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>
    /// HELD in isolation (twice): a NUL cursor must not leave its pooled connection out of step with the server (statements
    /// are auto-prepared and the pool does not reset connections), failing a later request of another caller. Once, in a run
    /// of the whole class, the unmatched-list read right after the NUL cursors failed with Npgsql's "Received unexpected
    /// backend message DataRow. Please file a bug."; this test, which repeats that order with 0 to 5 earlier uses of the
    /// statement, has not reproduced it.
    /// </summary>
    [Fact(Timeout = 120000)]
    public async Task a_nul_in_one_callers_cursor_breaks_no_later_request()
    {
        var attacker = host.ClientFor(Caller.SocialWorker());
        var other = host.ClientFor(Caller.SocialWorker());
        var admin = host.ClientFor(Admin());
        var fine = Cursor("638000000000000000", "wilma-x/msg-1");
        var failed = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            // The statement is auto-prepared after two uses on a connection: use it 0 to 5 times, then send the NUL (twice).
            for (var i = 0; i < round; i++)
            {
                await attacker.GetAsync($"{Messages}?status=unmatched&limit=2&cursor={fine}");
            }
            await attacker.GetAsync($"{Messages}?status=unmatched&limit=2&cursor={Cursor("0", "\0")}");
            await attacker.GetAsync($"{Messages}?status=unmatched&limit=2&cursor={Cursor("638000000000000000", "msg\0x")}");
            for (var i = 0; i < 4; i++)
            {
                // A cursor naming no message key (a control character) is the caller's own 400; the others must stay 200.
                var control = await other.GetAsync($"{Messages}?status=unmatched&limit=2&cursor={Cursor("0", "\u0001")}");
                if (control.StatusCode != HttpStatusCode.BadRequest)
                {
                    failed.Add($"round {round}, control-character cursor: {(int)control.StatusCode}");
                }
                foreach (var url in new[] { $"{Messages}?status=unmatched&limit=2&cursor={fine}",
                             $"{Messages}?status=unmatched&limit=2", "/api/deadlines?limit=5" })
                {
                    var response = await other.GetAsync(url);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failed.Add($"round {round}, {url}: {(int)response.StatusCode}");
                    }
                }
                var dead = await admin.GetAsync($"{Messages}?status=dead-lettered&limit=2&cursor={fine}");
                if (dead.StatusCode != HttpStatusCode.OK)
                {
                    failed.Add($"round {round}, dead-lettered: {(int)dead.StatusCode}");
                }
            }
        }
        Assert.True(failed.Count == 0, $"{failed.Count} later requests of another caller failed:\n{string.Join("\n", failed)}");
    }

    /// <summary>
    /// HELD (unless it fails): another organisation's social worker, with or without this organisation's Link cursor, lists
    /// none of its unmatched messages; the organisation's own social worker sees each page's messages, each use-logged.
    /// </summary>
    [Fact(Timeout = 120000)]
    public async Task unmatched_messages_stay_in_their_organisation_and_every_one_shown_is_logged()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = SchoolMessagesFor.NewId();
            await school.AcceptedAsync(SchoolMessagesFor.WelfareConcern(TestPupil.New().PersonId, id));
            await school.SettledAsync(id, until: "unmatched", seconds: 60);
            ids.Add(id);
        }
        var socialWorker = Caller.SocialWorker();
        var ours = host.ClientFor(socialWorker);
        var listed = new List<string>();
        var links = new List<string>();
        for (var (next, pages) = ((string?)$"{Messages}?status=unmatched&limit=1", 0); next is not null && pages < 200; pages++)
        {
            var response = await ours.GetAsync(next);
            listed.AddRange((await response.Ok()).AsArray().Select(m => m!["messageId"]!.GetValue<string>()));
            next = Next(response);
            if (next is not null)
            {
                links.Add(next);
            }
        }
        Assert.Superset(ids.ToHashSet(), listed.ToHashSet());
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        var uses = (await LogOf(socialWorker.Id)).Count(e => e!["kind"]!.GetValue<string>() == "use"
                                                          && e["data"]!.GetValue<string>().StartsWith("school-message:", StringComparison.Ordinal));
        Assert.Equal(listed.Count, uses);

        var theirs = host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa));
        var theirAdmin = host.ClientFor(Admin(Orgs.Uusimaa));
        foreach (var url in links.Prepend($"{Messages}?status=unmatched&limit=200"))
        {
            var page = await (await theirs.GetAsync(url)).Ok();
            Assert.DoesNotContain(page.AsArray(), m => ids.Contains(m!["messageId"]!.GetValue<string>()));
            var dead = await (await theirAdmin.GetAsync(url.Replace("status=unmatched", "status=dead-lettered", StringComparison.Ordinal))).Ok();
            Assert.DoesNotContain(dead.AsArray(), m => ids.Contains(m!["messageId"]!.GetValue<string>()));
        }
    }
}

/// <summary>An event no projection reads: fills a page of a rebuild.</summary>
public sealed record ReviewFiller(int N);

/// <summary>
/// The deadline list over a real socket (Kestrel validates response headers; the in-memory server does not): its Link
/// echoes every query parameter but cursor and limit, the values escaped and the names as they came.
/// </summary>
public sealed class Issue18ReviewOverKestrel(Api.ListeningHost host) : IClassFixture<Api.ListeningHost>
{
    public static TheoryData<string> OddNames => new()
    {
        "%C3%A4=1", // a name that is not ASCII
        "a%0D%0Ab=1", // a line break in a name
        "x%3E%3B%20rel%3D%22prev%22%2C%20%3Chttps%3A%2F%2Fevil.example%2F=1", // a name that closes the link and opens another
        "state=open&state=met", // a repeated value
    };

    /// <summary>
    /// FINDING, fixed (was 500, 500, two links for the first three; pre-existing code on a route of this issue, and the access log's): a query name the route does not know is copied
    /// unescaped into the Link header of a page that has a next one. A name Kestrel cannot write in a header (not ASCII, a
    /// line break) fails the whole answer (500); one with <c>&gt;</c> and <c>,</c> makes the header name a second link (a
    /// rel="next" elsewhere) for a client that follows it.
    /// </summary>
    [Theory]
    [MemberData(nameof(OddNames))]
    public async Task an_unknown_query_name_is_not_copied_raw_into_the_link_header(string extra)
    {
        var socialWorker = Caller.SocialWorker();
        for (var i = 0; i < 2; i++)
        {
            await (await new StatutoryPath(host, socialWorker).Registered(children: 1)).WithConcern();
        }
        var response = await host.ClientFor(socialWorker).GetAsync($"/api/deadlines?limit=1&{extra}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSafeAnswer(body) && (int)response.StatusCode is 200 or 400, $"{extra}: {(int)response.StatusCode} {body}");
        if (response.Headers.TryGetValues("Link", out var links))
        {
            var link = links.Single();
            Assert.StartsWith("</api/deadlines?", link, StringComparison.Ordinal);
            Assert.Equal(1, link.Count(c => c == '<'));
            Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        }
    }
}
