using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Api;

/// <summary>Contract 1.1's worklists: the families I work with, and what waits for me (deadlines, invitations, reminders, the intake).</summary>
public sealed class Worklists(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Id(JsonNode node, string field) => node[field]!.GetValue<string>();

    [Fact]
    public async Task the_families_i_work_with_are_listed_with_their_frame_and_paged()
    {
        var worker = Caller.SocialWorker();
        var first = await (await new StatutoryPath(host, worker).Registered(children: 2)).WithConcern();
        var second = await new StatutoryPath(host, worker).Registered(children: 1);
        var client = host.ClientFor(worker);

        var all = (await (await client.GetAsync("/api/families?limit=200")).Ok()).AsArray();
        var listed = Assert.Single(all, f => Id(f!, "familyId") == first.FamilyId.ToString())!;
        Assert.Equal(first.ChildIds.Select(c => c.ToString()), listed["children"]!.AsArray().Select(c => Id(c!, "id")));
        Assert.All(listed["children"]!.AsArray(), c => Assert.False(string.IsNullOrEmpty(c!["name"]?.GetValue<string>())));
        Assert.Equal("concern-received", listed["stage"]!.GetValue<string>());
        // Its next deadline not met: the urgency assessment, due the day of receipt.
        Assert.Equal("urgency-assessment", listed["nextDeadline"]!["kind"]!.GetValue<string>());
        Assert.Contains(all, f => Id(f!, "familyId") == second.FamilyId.ToString());

        // Paged: one at a time, every family reached once, in registration order.
        var seen = new List<string>();
        var url = "/api/families?limit=1";
        while (url is not null)
        {
            var response = await client.GetAsync(url);
            seen.AddRange((await response.Ok()).AsArray().Select(f => Id(f!, "familyId")));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }
        Assert.Equal(all.Select(f => Id(f!, "familyId")), seen);

        // Someone who works with neither family sees neither; an auditor is refused the list.
        var other = (await (await host.ClientFor(Caller.Psychiatrist()).GetAsync("/api/families")).Ok()).AsArray();
        Assert.DoesNotContain(other, f => Id(f!, "familyId") == first.FamilyId.ToString());
        await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/families")).Problem(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/families?cursor=nope")).Problem(HttpStatusCode.BadRequest);
        await (await client.GetAsync("/api/families?limit=201")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task the_teams_i_may_see_are_paged()
    {
        var admin = host.ClientFor(SchoolWelfare.SchoolSystem.Admin());
        for (var i = 0; i < 3; i++)
        {
            await (await admin.PostJson("/api/teams", new { name = $"Tiimi {Guid.NewGuid():N}" })).Ok(HttpStatusCode.Created);
        }
        var all = (await (await admin.GetAsync("/api/teams?limit=200")).Ok()).AsArray().Select(t => Id(t!, "teamId")).ToList();
        Assert.True(all.Count >= 3);
        var seen = new List<string>();
        var url = "/api/teams?limit=1";
        for (var reads = 0; url is not null && reads < 500; reads++)
        {
            var response = await admin.GetAsync(url);
            seen.AddRange((await response.Ok()).AsArray().Select(t => Id(t!, "teamId")));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }
        Assert.Equal(all, seen);
        await (await admin.GetAsync("/api/teams?cursor=x")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_teams_caseload_is_paged_and_only_the_families_of_a_page_are_logged()
    {
        var team = await SystemicTeams.TeamScenario.FormedAsync(host);
        var families = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            families.Add((await team.AllocatedFamilyAsync()).FamilyId.ToString());
        }
        // Paged by family id (a key that does not move while paging), whatever the deadlines.
        families.Add((await team.AllocatedFamilyAsync(before: p => p.WithConcern())).FamilyId.ToString());
        var expected = families.Order(StringComparer.Ordinal).ToList();
        var coordinator = team.As(team.Coordinator);

        var seen = new List<string>();
        var url = $"/api/teams/{team.TeamId}/caseload?limit=1";
        var pages = 0;
        for (; url is not null && pages < 10; pages++)
        {
            var response = await coordinator.GetAsync(url);
            var page = (await response.Ok()).AsArray();
            Assert.Single(page);
            seen.Add(Id(page[0]!, "familyId"));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }
        Assert.Equal(expected, seen);
        Assert.Equal(4, pages);

        // The first page (one family) logged that family alone.
        var auditor = host.ClientFor(Caller.Auditor());
        var logged = (await (await auditor.GetAsync($"/api/audit/access-log?professionalId={team.Coordinator.Id}&limit=1000")).Ok()).AsArray()
            .Where(e => e!["data"]!.GetValue<string>() == "team-caseload").Select(e => e!["familyId"]!.GetValue<string>()).ToList();
        Assert.Equal(expected, logged);

        var bad = await (await coordinator.GetAsync($"/api/teams/{team.TeamId}/caseload?cursor=nope&limit=0")).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["cursor"]);
        Assert.NotNull(bad["errors"]!["limit"]);
    }

    [Fact]
    public async Task an_access_report_is_paged_by_repeating_the_request_with_the_cursor()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        for (var i = 0; i < 4; i++)
        {
            await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        }
        var auditor = host.ClientFor(Caller.Auditor());
        var personId = path.ChildCodes[0]!;
        var before = (await (await auditor.PostJson("/api/audit/access-reports?limit=200", new { personId })).Ok())["entries"]!.AsArray()
            .Select(e => e!["id"]!.GetValue<long>()).ToList();
        Assert.True(before.Count >= 4, $"{before.Count} rows");

        var ids = new List<long>();
        var url = "/api/audit/access-reports?limit=2";
        for (var pages = 0; url is not null; pages++)
        {
            var response = await auditor.PostJson(url, new { personId });
            var report = await response.Ok();
            var entries = report["entries"]!.AsArray();
            Assert.True(entries.Count <= 2);
            ids.AddRange(entries.Select(e => e!["id"]!.GetValue<long>()));
            url = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            Assert.DoesNotContain(personId, url ?? "", StringComparison.Ordinal);
            Assert.True(pages < 20, "Following Link does not end.");
        }
        // Oldest first, each row once, and every row of the earlier whole report among them (the paging itself adds its own uses).
        Assert.Equal(ids.Order().Distinct(), ids);
        Assert.Empty(before.Except(ids));

        var bad = await (await auditor.PostJson("/api/audit/access-reports?cursor=%%%", new { personId })).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["cursor"]);
    }

    [Fact]
    public async Task what_waits_for_me_is_my_deadlines_the_invitations_to_answer_and_the_intake()
    {
        var worker = Caller.SocialWorker();
        var path = await new StatutoryPath(host, worker).OpenAssessment(children: 1);
        var psychiatrist = Caller.Psychiatrist();
        var invitationId = await path.InvitedByName(psychiatrist);
        var psychiatry = host.ClientFor(psychiatrist);

        // The invited professional: the invitation with its question (social work's, shown to the invited: N2, logged).
        var waiting = await (await psychiatry.GetAsync("/api/worklist")).Ok();
        var invitation = Assert.Single(waiting["invitations"]!.AsArray(), i => Id(i!, "invitationId") == invitationId.ToString())!;
        Assert.Equal("What do you know of the children's wellbeing?", invitation["question"]!.GetValue<string>());
        Assert.Equal(path.AssessmentId.ToString(), Id(invitation, "assessmentId"));
        Assert.Equal(0, waiting["unmatchedIntake"]!.GetValue<int>()); // the intake is social work's
        var log = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={path.FamilyId}&limit=1000")).Ok()).AsArray();
        Assert.Contains(log, r => r!["kind"]!.GetValue<string>() == "disclosure" && r["data"]!.GetValue<string>() == $"invitation:{invitationId}"
                                  && r["professionalId"]!.GetValue<string>() == psychiatrist.Id && r["basis"]!.GetValue<string>() == "shl-41");

        // Answered, it waits no more.
        await (await psychiatry.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "general", "atl-53-5", invitationId))).Ok(HttpStatusCode.Created);
        Assert.DoesNotContain((await (await psychiatry.GetAsync("/api/worklist")).Ok())["invitations"]!.AsArray(),
            i => Id(i!, "invitationId") == invitationId.ToString());

        // The social worker: the completion deadline of the assessment they lead, and the intake's unmatched notifications.
        await (await host.ClientFor(Caller.Kuraattori()).PostJson("/api/concerns", new
        {
            child = new { personId = TestPeople.Born(2013, 6, 6), name = "Eeva" }, kind = "child-welfare-notification", receivedAt = StatutoryPath.Now(),
            source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
            description = "Eeva has not been at school for a week.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Accepted);
        var client = host.ClientFor(worker);
        JsonNode mine = await (await client.GetAsync("/api/worklist")).Ok();
        for (var i = 0; i < 100 && mine["unmatchedIntake"]!.GetValue<int>() == 0; i++)
        {
            await Task.Delay(50);
            mine = await (await client.GetAsync("/api/worklist")).Ok();
        }
        Assert.True(mine["unmatchedIntake"]!.GetValue<int>() >= 1);
        var completion = Assert.Single(mine["deadlines"]!.AsArray(),
            d => Id(d!, "familyId") == path.FamilyId.ToString() && d!["kind"]!.GetValue<string>() == "assessment-completion")!;
        Assert.Equal(worker.Id, completion["responsibleId"]!.GetValue<string>());
        Assert.Equal("open", completion["state"]!.GetValue<string>());
        Assert.Empty(mine["invitations"]!.AsArray());

        await (await client.GetAsync("/api/worklist?limit=0")).Problem(HttpStatusCode.BadRequest);
        await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/worklist")).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task my_deadlines_not_met_come_passed_first_then_open_and_the_limit_cuts_the_whole_list()
    {
        var worker = Caller.SocialWorker();
        var late = DateTimeOffset.UtcNow.AddDays(-20).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var open = await (await (await new StatutoryPath(host, worker).Registered(1)).WithConcern()).UrgencyAssessed();
        var passed = await (await (await new StatutoryPath(host, worker).Registered(1)).WithConcern(receivedAt: late)).UrgencyAssessed();
        var client = host.ClientFor(worker);

        // Each family's decision deadline is the worker's (they assessed its urgency): the one received 20 days ago has
        // passed (seven working days), the one received today has not. Passed first, whatever order they were written in.
        var deadlines = (await (await client.GetAsync("/api/worklist")).Ok())["deadlines"]!.AsArray()
            .Where(d => d!["kind"]!.GetValue<string>() == "assessment-decision").ToList();
        Assert.Equal([passed.FamilyId.ToString(), open.FamilyId.ToString()], deadlines.Select(d => Id(d!, "familyId")));
        Assert.Equal(["overdue", "open"], deadlines.Select(d => d!["state"]!.GetValue<string>()));
        Assert.All(deadlines, d => Assert.Equal(worker.Id, d!["responsibleId"]!.GetValue<string>()));

        // limit=1: the first of the whole list, the passed one.
        var first = Assert.Single((await (await client.GetAsync("/api/worklist?limit=1")).Ok())["deadlines"]!.AsArray());
        Assert.Equal(passed.FamilyId.ToString(), Id(first!, "familyId"));
    }
}
