using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

public sealed class HypothesesAndActions(ClockedHost host) : IClassFixture<ClockedHost>
{
    private static object Hypothesis(Guid? id, string text, string status, params long[] evidence) =>
        new { hypothesisId = id, text, status, evidence = evidence.Select(v => new { familyVersion = v }).ToArray() };

    [Fact]
    public async Task a_hypothesis_revised_twice_keeps_every_version_with_the_facts_it_rests_on()
    {
        host.Clock.Reset();
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: async p => await p.WithConcern());

        var proposed = await team.Discuss(family.FamilyId, hypotheses: new[] { Hypothesis(null, "The absences protect the mother.", "proposed", 2) });
        var hypothesisId = Guid.Parse(proposed["hypotheses"]![0]!["hypothesisId"]!.GetValue<string>());
        Assert.Equal(1, proposed["hypotheses"]![0]!["revision"]!.GetValue<int>());
        await Task.Delay(20);
        var betweenRevisions = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await team.Discuss(family.FamilyId, hypotheses: new[] { Hypothesis(hypothesisId, "The absences protect the mother from being alone.", "supported", 2, 4) });
        var third = await team.Discuss(family.FamilyId, hypotheses: new[] { Hypothesis(hypothesisId, "Grandmother's visits show otherwise.", "discarded", 5) });
        Assert.Equal(3, third["hypotheses"]![0]!["revision"]!.GetValue<int>());

        var body = await (await team.As(team.Worker).GetAsync($"/api/families/{family.FamilyId}/hypotheses")).Ok();
        var hypothesis = Assert.Single(body["hypotheses"]!.AsArray());
        var revisions = hypothesis!["revisions"]!.AsArray();
        Assert.Equal(["proposed", "supported", "discarded"], revisions.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], revisions.Select(r => r!["revision"]!.GetValue<int>()));
        Assert.Equal("The absences protect the mother.", revisions[0]!["text"]!.GetValue<string>());
        Assert.Equal([2L, 4L], revisions[1]!["evidence"]!.AsArray().Select(e => e!["familyVersion"]!.GetValue<long>()));
        Assert.Equal("discarded", hypothesis["current"]!["status"]!.GetValue<string>());

        // The picture shows the hypotheses the team holds now: a discarded one is not among them.
        var picture = await (await team.As(team.Worker).GetAsync($"/api/families/{family.FamilyId}/picture")).Ok();
        Assert.Empty(picture["hypotheses"]!.AsArray());
        Assert.Equal(team.TeamId.ToString(), picture["team"]!["teamId"]!.GetValue<string>());

        // An auditor replaying the picture as it stood between the first and second discussion sees the first version only.
        var moment = Uri.EscapeDataString(TeamScenario.Time(betweenRevisions));
        var replayed = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{family.FamilyId}/picture?asOf={moment}&knownAt={moment}")).Ok();
        var then = Assert.Single(replayed["hypotheses"]!.AsArray());
        Assert.Equal("proposed", then!["current"]!["status"]!.GetValue<string>());
        Assert.Equal("The absences protect the mother.", then["current"]!["text"]!.GetValue<string>());

        // A discarded hypothesis stays discarded: nothing is written.
        var before = await host.EventCount(Orgs.Pirkanmaa);
        var refused = await team.As(team.Worker).PostJson($"/api/families/{family.FamilyId}/systemic-discussions", new
        {
            teamId = team.TeamId, participantIds = new[] { team.Worker.Id },
            hypotheses = new[] { Hypothesis(hypothesisId, "Back again.", "proposed") },
        });
        Assert.EndsWith("hypothesis-discarded", (await refused.Problem(HttpStatusCode.Conflict))["type"]!.GetValue<string>());
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
    }

    [Fact]
    public async Task bad_discussions_are_refused_with_their_reason_and_write_nothing()
    {
        host.Clock.Reset();
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var unallocated = await new StatutoryPath(host, team.Worker).Registered(1);
        var worker = team.As(team.Worker);
        var url = $"/api/families/{family.FamilyId}/systemic-discussions";
        var before = await host.EventCount(Orgs.Pirkanmaa);

        async Task<JsonNode> Refused(HttpClient client, string path, object body, HttpStatusCode status) =>
            await (await client.PostJson(path, body)).Problem(status);

        var invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = Array.Empty<string>(), reflections = "x" }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["participantIds"]);
        invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, hypotheses = new[] { Hypothesis(null, "New", "supported") } }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["hypotheses[0].status"]);
        invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, hypotheses = new[] { Hypothesis(null, "New", "proposed", 999) } }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["hypotheses[0].evidence[0].familyVersion"]);
        invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, hypotheses = new[] { Hypothesis(Guid.NewGuid(), "Old", "supported") } }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["hypotheses[0].hypothesisId"]);
        invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, hypotheses = new[] { Hypothesis(null, "New", "maybe") } }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]);
        await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, reflections = "x", mood = "good" }, HttpStatusCode.BadRequest);
        invalid = await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" },
            actions = new[] { new { description = "Call", ownerId = "x", dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(-2)) } } }, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["actions[0].dueBy"]);
        await Refused(worker, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, meetingId = Guid.NewGuid(), reflections = "x" }, HttpStatusCode.BadRequest);
        // Not the family's team, or not a member of it.
        await Refused(worker, $"/api/families/{unallocated.FamilyId}/systemic-discussions", new { teamId = team.TeamId, participantIds = new[] { "a" }, reflections = "x" }, HttpStatusCode.Conflict);
        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        await Refused(psychiatrist, url, new { teamId = team.TeamId, participantIds = new[] { "a" }, reflections = "x" }, HttpStatusCode.NotFound);

        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
    }

    [Fact]
    public async Task a_discussion_sent_twice_with_one_idempotency_key_is_recorded_once()
    {
        host.Clock.Reset();
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var body = new { teamId = team.TeamId, participantIds = new[] { team.Worker.Id }, reflections = "Once only." };
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "discussion-1");
        var url = $"/api/families/{family.FamilyId}/systemic-discussions";

        var first = await (await team.As(team.Worker).PostJson(url, body, Key)).Ok(HttpStatusCode.Created);
        var before = await host.EventCount(Orgs.Pirkanmaa);
        var again = await (await team.As(team.Worker).PostJson(url, body, Key)).Ok(HttpStatusCode.Created);

        Assert.Equal(first["discussionId"]!.GetValue<string>(), again["discussionId"]!.GetValue<string>());
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
        await (await team.As(team.Worker).PostJson(url, new { teamId = team.TeamId, participantIds = new[] { team.Worker.Id }, reflections = "Other." }, Key))
            .Problem(HttpStatusCode.Conflict);
        var discussions = await (await team.As(team.Worker).GetAsync(url)).Ok();
        Assert.Single(discussions["discussions"]!.AsArray());
    }

    [Fact]
    public async Task actions_go_overdue_on_the_calendar_and_completing_them_clears_them()
    {
        host.Clock.Reset();
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var agreed = await team.Discuss(family.FamilyId, reflections: "Agreed to meet the school.", actions: new[]
        {
            new { description = "Meet the school nurse", ownerId = team.Clinician.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(3)) },
        });
        var actionId = agreed["actionIds"]![0]!.GetValue<string>();

        var item = (await team.Caseload()).Single();
        Assert.Equal(1, item!["openActions"]!.GetValue<int>());
        Assert.Equal(0, item["overdueActions"]!.GetValue<int>());
        Assert.NotNull(item["lastDiscussedAt"]);

        host.Clock.Advance(TimeSpan.FromDays(5));
        item = (await team.Caseload()).Single();
        Assert.Equal(1, item!["overdueActions"]!.GetValue<int>());
        var workload = (await (await team.As(team.Coordinator).GetAsync($"/api/teams/{team.TeamId}/workload")).Ok()).AsArray();
        var clinician = workload.Single(w => w!["professionalId"]!.GetValue<string>() == team.Clinician.Id);
        Assert.Equal(1, clinician!["overdueActions"]!.GetValue<int>());
        var worker = workload.Single(w => w!["professionalId"]!.GetValue<string>() == team.Worker.Id);
        Assert.Equal(1, worker!["childrenResponsible"]!.GetValue<int>());

        // The owner records it done; a second completion is refused and writes nothing.
        var owner = team.As(team.Clinician);
        await (await owner.PostJson($"/api/families/{family.FamilyId}/actions/{actionId}/completion", new { note = "Met on Tuesday." })).Ok();
        item = (await team.Caseload()).Single();
        Assert.Equal(0, item!["openActions"]!.GetValue<int>());
        var before = await host.EventCount(Orgs.Pirkanmaa);
        await (await owner.PostJson($"/api/families/{family.FamilyId}/actions/{actionId}/completion", new { })).Problem(HttpStatusCode.Conflict);
        await (await owner.PostJson($"/api/families/{family.FamilyId}/actions/{Guid.NewGuid()}/completion", new { })).Problem(HttpStatusCode.NotFound);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
        host.Clock.Reset();
    }
}
