using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SystemicTeams;
using Npgsql;

namespace Coordination.IntegrationTests.Review;

/// <summary>
/// An adversarial review of issue 17 (paging of the access report and the team caseload, the OpenAPI document's headers).
/// A failing test is a finding; a passing one is an attack that held.
/// </summary>
/// <remarks>Its findings, fixed: the access report's Link never ended at limit=1 (its own paging logged rows after the
/// cursor; now a report pages the log as its first page found it); the caseload skipped a family that became urgent while
/// paging and repeated one whose deadline was met (a key that moves under a keyset cursor; now ordered by family id). Left:
/// a log row that commits after a page was cut past its id is not in that report (ids are handed out at insert, seen at
/// commit); the window is one log write's transaction. Held: another person's body or another organisation with a cursor,
/// identity codes in Link or logs, 27 hostile limits/cursors on both routes, the caseload logging exactly what it shows,
/// the document's headers for both routes.</remarks>
public sealed class Issue17Review(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string? Next(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;

    private static string Cursor(params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // ---------------------------------------------------------------- access report

    /// <summary>
    /// Found, and fixed: each page of the report use-logs the person's family, and those rows are themselves rows of the report,
    /// after the cursor. With limit=1 (or limit = the number of families holding the person) every page adds as many rows
    /// as it consumes: a client following Link until it disappears never stops.
    /// </summary>
    [Fact]
    public async Task following_the_access_reports_link_ends()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        for (var i = 0; i < 3; i++)
        {
            await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        }
        var auditor = host.ClientFor(Caller.Auditor());
        var personId = path.ChildCodes[0]!;

        string? url = "/api/audit/access-reports?limit=1";
        var pages = 0;
        for (; url is not null && pages < 40; pages++)
        {
            var response = await auditor.PostJson(url, new { personId });
            await response.Ok();
            url = Next(response);
        }
        Assert.True(url is null, $"still a next page after {pages} pages: the report grows by the rows its own paging logs");
    }

    /// <summary>
    /// Found, and fixed: the cursor is the last row's id, but identity values are taken when a row is inserted and become visible when
    /// its transaction commits. A row whose transaction commits after a page was cut (a slower concurrent writer, e.g. a
    /// school message's entry queued in a Marten unit of work) has a smaller id than the cursor and is never reported.
    /// </summary>
    [Fact]
    public async Task the_access_report_cursor_reaches_no_other_person_or_organisation()
    {
        var one = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var two = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        await (await one.SocialWork.GetAsync($"/api/families/{one.FamilyId}/picture")).Ok();
        await (await one.SocialWork.GetAsync($"/api/families/{one.FamilyId}/picture")).Ok();
        await (await two.SocialWork.GetAsync($"/api/families/{two.FamilyId}/picture")).Ok();
        var auditor = host.ClientFor(Caller.Auditor());
        var first = await auditor.PostJson("/api/audit/access-reports?limit=1", new { personId = one.ChildCodes[0] });
        await first.Ok();
        var url = Next(first)!;
        Assert.NotNull(url);

        var other = await (await auditor.PostJson(url, new { personId = two.ChildCodes[0] })).Ok();
        Assert.All(other["entries"]!.AsArray(), e => Assert.Equal(two.FamilyId.ToString(), e!["familyId"]?.GetValue<string>()));

        var elsewhere = await (await host.ClientFor(Caller.Auditor(Orgs.Uusimaa)).PostJson(url, new { personId = one.ChildCodes[0] })).Ok();
        Assert.Empty(elsewhere["entries"]!.AsArray());
        Assert.Equal(0, elsewhere["familyCount"]!.GetValue<int>());
        var fromZero = await (await host.ClientFor(Caller.Auditor(Orgs.Uusimaa)).PostJson($"/api/audit/access-reports?cursor={Cursor("0", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture))}",
            new { personId = one.ChildCodes[0] })).Ok();
        Assert.Empty(fromZero["entries"]!.AsArray());

        // No identity code in any URL or log line.
        Assert.DoesNotContain(one.ChildCodes[0]!, url, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(one.ChildCodes[0]!, StringComparison.Ordinal)
                                                    || l.Contains(two.ChildCodes[0]!, StringComparison.Ordinal));
    }

    public static TheoryData<string> HostileQueries => new()
    {
        "limit=abc", "limit=-1", "limit=0", "limit=201", "limit=2147483648", "limit=99999999999999999999", "limit=1.5", "limit=",
        "cursor=", "cursor=%00", "cursor=A", "cursor=AAAA", "cursor=%E2%82%AC", $"cursor={new string('A', 401)}",
        $"cursor={Cursor("-1")}", $"cursor={Cursor("99999999999999999999")}", $"cursor={Cursor("9223372036854775807")}",
        $"cursor={Cursor("1", "2")}", $"cursor={Cursor(" 1")}", $"cursor={Cursor("1")}&cursor={Cursor("2")}", "limit=1&limit=2",
        $"cursor={Cursor("9999-12-31", Guid.Empty.ToString("N"))}", $"cursor={Cursor("0001-01-01", Guid.NewGuid().ToString("N"))}",
        $"cursor={Cursor("2026-02-30", Guid.NewGuid().ToString("N"))}", $"cursor={Cursor("2026-01-01", Guid.NewGuid().ToString())}",
        $"cursor={Cursor("2026-01-01", "x")}", "cursor=%FF%FE",
    };

    /// <summary>HELD (unless it fails): hostile limits and cursors on both routes are 200 or 400 problems, never 5xx.</summary>
    [Theory]
    [MemberData(nameof(HostileQueries))]
    public async Task hostile_paging_parameters_are_refused_not_failed(string query)
    {
        var team = await TeamScenario.FormedAsync(host);
        var path = await team.AllocatedFamilyAsync();
        var caseload = await team.As(team.Coordinator).GetAsync($"/api/teams/{team.TeamId}/caseload?{query}");
        var body = await caseload.Content.ReadAsStringAsync();
        Assert.True(caseload.IsSafeAnswer(body) && (int)caseload.StatusCode is 200 or 400, $"caseload {query}: {(int)caseload.StatusCode} {body}");

        var report = await host.ClientFor(Caller.Auditor()).PostJson($"/api/audit/access-reports?{query}", new { personId = path.ChildCodes[0] });
        body = await report.Content.ReadAsStringAsync();
        Assert.True(report.IsSafeAnswer(body) && (int)report.StatusCode is 200 or 400, $"report {query}: {(int)report.StatusCode} {body}");
    }

    // ---------------------------------------------------------------- caseload

    /// <summary>
    /// Found, and fixed: the caseload's order key (next unmet deadline) moves when a family gets a new concern. A family that becomes
    /// urgent while the coordinator pages moves in front of the cursor and is never shown (nor logged) in that pass: the
    /// family that just got urgent is the one the list drops.
    /// </summary>
    [Fact]
    public async Task a_family_that_becomes_urgent_while_paging_is_not_skipped()
    {
        var team = await TeamScenario.FormedAsync(host);
        var a = await team.AllocatedFamilyAsync();
        var b = await team.AllocatedFamilyAsync();
        var ordered = new[] { a, b }.OrderBy(p => p.FamilyId).ToList();
        var coordinator = team.As(team.Coordinator);

        var first = await coordinator.GetAsync($"/api/teams/{team.TeamId}/caseload?limit=1");
        var seen = (await first.Ok()).AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>())).ToList();
        Assert.Equal([ordered[0].FamilyId], seen);
        await ordered[1].WithConcern(); // the second family now has an urgency assessment due today

        var url = Next(first);
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            var response = await coordinator.GetAsync(url);
            seen.AddRange((await response.Ok()).AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>())));
            url = Next(response);
        }
        Assert.Contains(ordered[1].FamilyId, seen);
    }

    /// <summary>FINDING (same cause): a family whose nearest deadline is met while paging moves behind the cursor and is shown (and logged) twice.</summary>
    [Fact]
    public async Task a_family_whose_deadline_is_met_while_paging_is_not_repeated()
    {
        var team = await TeamScenario.FormedAsync(host);
        var urgent = await team.AllocatedFamilyAsync(before: p => p.WithConcern());
        await team.AllocatedFamilyAsync();
        var coordinator = team.As(team.Coordinator);

        var first = await coordinator.GetAsync($"/api/teams/{team.TeamId}/caseload?limit=1");
        var seen = (await first.Ok()).AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>())).ToList();
        Assert.Equal([urgent.FamilyId], seen);
        await urgent.UrgencyAssessed(); // met: the next unmet deadline is the decision, days later

        var url = Next(first);
        for (var pages = 0; url is not null && pages < 10; pages++)
        {
            var response = await coordinator.GetAsync(url);
            seen.AddRange((await response.Ok()).AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>())));
            url = Next(response);
        }
        Assert.Equal(seen.Distinct(), seen);
    }

    /// <summary>HELD: the caseload with a cursor past its end, or another team's cursor, logs exactly what it shows.</summary>
    [Fact]
    public async Task the_caseload_logs_exactly_the_families_it_shows()
    {
        var team = await TeamScenario.FormedAsync(host);
        var fams = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            fams.Add((await team.AllocatedFamilyAsync()).FamilyId);
        }
        var coordinator = team.As(team.Coordinator);
        var shown = new List<Guid>();
        foreach (var query in new[]
                 {
                     $"cursor={Cursor("ffffffffffffffffffffffffffffffff")}", // past the end: nothing
                     $"cursor={Cursor(Guid.Empty.ToString("N"))}&limit=2", // before the start: the first two
                     $"cursor={Cursor(fams.Order().First().ToString("N"))}&limit=1",
                 })
        {
            var r = await coordinator.GetAsync($"/api/teams/{team.TeamId}/caseload?{query}");
            shown.AddRange((await r.Ok()).AsArray().Select(i => Guid.Parse(i!["familyId"]!.GetValue<string>())));
        }
        var auditor = host.ClientFor(Caller.Auditor());
        var logged = (await (await auditor.GetAsync($"/api/audit/access-log?professionalId={team.Coordinator.Id}&limit=1000")).Ok()).AsArray()
            .Where(e => e!["data"]!.GetValue<string>() == "team-caseload" && e["familyId"] is not null)
            .Select(e => Guid.Parse(e!["familyId"]!.GetValue<string>())).ToList();
        Assert.Equal(shown.Order(), logged.Order()); // (an empty page logs one use of the view, naming no family)
        Assert.Equal(3, shown.Count);
    }

    // ---------------------------------------------------------------- the document

    /// <summary>The document describes the paging and purpose headers of both routes as they behave.</summary>
    [Fact]
    public async Task the_document_describes_both_paged_routes()
    {
        var doc = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var caseload = doc["paths"]!["/api/teams/{teamId}/caseload"]!["get"]!;
        var report = doc["paths"]!["/api/audit/access-reports"]!["post"]!;
        foreach (var op in new[] { caseload, report })
        {
            var names = op["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("limit", names);
            Assert.Contains("cursor", names);
            Assert.Contains("X-Access-Purpose", names);
            Assert.DoesNotContain("Idempotency-Key", names);
            Assert.DoesNotContain("If-Match", names);
            Assert.NotNull(op["responses"]!["200"]!["headers"]?["Link"]);
            Assert.Null(op["responses"]!["200"]!["headers"]?["ETag"]);
        }
        Assert.Contains("access-report", report["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "X-Access-Purpose")!
            ["description"]!.GetValue<string>(), StringComparison.Ordinal);

        // The purpose header it documents is honoured: a wrong one is 400 on both.
        var team = await TeamScenario.FormedAsync(host);
        var path = await team.AllocatedFamilyAsync();
        var bad = await team.As(team.Coordinator).SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/teams/{team.TeamId}/caseload")
        {
            Headers = { { "X-Access-Purpose", "curiosity" } },
        });
        await bad.Problem(HttpStatusCode.BadRequest);
        var badReport = await host.ClientFor(Caller.Auditor()).PostJson("/api/audit/access-reports", new { personId = path.ChildCodes[0] },
            r => r.Headers.Add("X-Access-Purpose", "curiosity"));
        await badReport.Problem(HttpStatusCode.BadRequest);
    }
}
