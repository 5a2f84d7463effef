using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

public sealed class AllocationAndMembership(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task a_worker_holds_at_most_thirty_children_counted_as_children_not_families()
    {
        var team = await TeamScenario.FormedAsync(host, Orgs.Uusimaa);
        for (var i = 0; i < 10; i++)
        {
            var allocated = await (await team.Allocate((await new StatutoryPath(host, team.Worker).Registered(3)).FamilyId, team.Worker.Id)).Ok();
            Assert.Equal((i + 1) * 3, allocated["childrenHeld"]!.GetValue<int>());
        }
        var oneMore = await new StatutoryPath(host, team.Worker).Registered(1);
        var before = await host.EventCount(Orgs.Uusimaa);

        var refused = await (await team.Allocate(oneMore.FamilyId, team.Worker.Id)).Problem(HttpStatusCode.Conflict);
        Assert.EndsWith("caseload-limit", refused["type"]!.GetValue<string>());
        Assert.Contains("31", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await host.EventCount(Orgs.Uusimaa));

        // Naming the full worker responsible at an assessment's conclusion is refused by the same rule.
        var assessed = await new StatutoryPath(host, team.Worker).OpenAssessment(children: 1);
        await assessed.HearAll();
        before = await host.EventCount(Orgs.Uusimaa);
        var conclusion = await (await assessed.SocialWork.PostJson($"/api/families/{assessed.FamilyId}/assessments/{assessed.AssessmentId}/conclusion", new
        {
            outcome = "child-protection-client", summary = "Support in open care is needed.", concludedAt = StatutoryPath.Now(),
            responsibleSocialWorkerId = team.Worker.Id,
        })).Problem(HttpStatusCode.Conflict);
        Assert.EndsWith("caseload-limit", conclusion["type"]!.GetValue<string>());
        Assert.Equal(before, await host.EventCount(Orgs.Uusimaa));

        // Another worker of the team can take the family.
        await (await team.Allocate(oneMore.FamilyId, team.Consultant.Id)).Ok();
        var workload = (await (await team.As(team.Coordinator).GetAsync($"/api/teams/{team.TeamId}/workload")).Ok()).AsArray();
        Assert.Equal(30, workload.Single(w => w!["professionalId"]!.GetValue<string>() == team.Worker.Id)!["childrenResponsible"]!.GetValue<int>());
        Assert.Equal(1, workload.Single(w => w!["professionalId"]!.GetValue<string>() == team.Consultant.Id)!["childrenResponsible"]!.GetValue<int>());
    }

    [Fact]
    public async Task two_allocations_racing_for_a_worker_s_last_place_cannot_both_win()
    {
        var team = await TeamScenario.FormedAsync(host);
        for (var i = 0; i < 9; i++)
        {
            await (await team.Allocate((await new StatutoryPath(host, team.Worker).Registered(3)).FamilyId, team.Worker.Id)).Ok();
        }
        await (await team.Allocate((await new StatutoryPath(host, team.Worker).Registered(2)).FamilyId, team.Worker.Id)).Ok(); // 29 children
        var first = await new StatutoryPath(host, team.Worker).Registered(1);
        var second = await new StatutoryPath(host, team.Worker).Registered(1);

        var answers = await Task.WhenAll(team.Allocate(first.FamilyId, team.Worker.Id), team.Allocate(second.FamilyId, team.Worker.Id));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
    }

    [Fact]
    public async Task the_responsible_worker_must_be_a_social_worker_of_the_team()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await new StatutoryPath(host, team.Worker).Registered(1);
        var before = await host.EventCount(Orgs.Pirkanmaa);
        var refused = await (await team.Allocate(family.FamilyId, team.Clinician.Id)).Problem(HttpStatusCode.Conflict);
        Assert.EndsWith("not-a-team-social-worker", refused["type"]!.GetValue<string>());
        await (await team.Allocate(family.FamilyId, "someone-else")).Problem(HttpStatusCode.Conflict);
        // Without a relationship to the family, it is not there (ATL 9 §).
        await (await team.Allocate(family.FamilyId, team.Worker.Id, by: team.Coordinator)).Problem(HttpStatusCode.NotFound);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
    }

    [Fact]
    public async Task membership_gives_the_team_s_families_and_its_end_takes_them_away()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: async p => await p.WithConcern());
        var clinician = team.As(team.Clinician);
        await (await clinician.GetAsync($"/api/families/{family.FamilyId}/picture")).Ok();
        Assert.Contains((await (await clinician.GetAsync("/api/deadlines")).Ok()).AsArray(),
            d => d!["familyId"]!.GetValue<string>() == family.FamilyId.ToString());
        await (await clinician.GetAsync($"/api/families/{family.FamilyId}/hypotheses")).Ok();
        await team.Discuss(family.FamilyId, reflections: "The clinician's first session went well.", by: team.Clinician);

        var consultant = team.As(team.Consultant);
        // The responsible worker cannot leave while they hold the team's children (LsL 13 b §).
        var refused = await (await consultant.DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Worker.Id}")).Problem(HttpStatusCode.Conflict);
        Assert.EndsWith("still-responsible", refused["type"]!.GetValue<string>());
        // Only those who manage the team change its members.
        await (await team.As(team.Worker).DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Clinician.Id}")).Problem(HttpStatusCode.Forbidden);
        await (await consultant.DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Clinician.Id}")).Ok();

        await (await clinician.GetAsync($"/api/families/{family.FamilyId}/picture")).Problem(HttpStatusCode.NotFound);
        await (await clinician.GetAsync($"/api/families/{family.FamilyId}/hypotheses")).Problem(HttpStatusCode.NotFound);
        await (await clinician.GetAsync($"/api/teams/{team.TeamId}/caseload")).Problem(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await clinician.GetAsync("/api/deadlines")).Ok()).AsArray(),
            d => d!["familyId"]!.GetValue<string>() == family.FamilyId.ToString());
        await (await clinician.PostJson($"/api/families/{family.FamilyId}/children", new { name = "Uusi", birthDate = "2026-01-01" }))
            .Problem(HttpStatusCode.NotFound);
        await (await consultant.DeleteAsync($"/api/teams/{team.TeamId}/members/{team.Clinician.Id}")).Problem(HttpStatusCode.NotFound);
        // The social worker still sees the family.
        await (await team.As(team.Worker).GetAsync($"/api/families/{family.FamilyId}/picture")).Ok();

        // The team shows who is in it now and who was.
        var details = await (await consultant.GetAsync($"/api/teams/{team.TeamId}")).Ok();
        Assert.Equal(3, details["members"]!.AsArray().Count);
        Assert.Equal(team.Clinician.Id, Assert.Single(details["pastMembers"]!.AsArray())!["professionalId"]!.GetValue<string>());
        Assert.Empty((await (await clinician.GetAsync("/api/teams")).Ok()).AsArray());
        Assert.Equal(team.TeamId.ToString(), Assert.Single((await (await team.As(team.Worker).GetAsync("/api/teams")).Ok()).AsArray())!["teamId"]!.GetValue<string>());
        await (await clinician.GetAsync($"/api/teams/{team.TeamId}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task teams_are_formed_by_social_work_leads_and_members_join_once()
    {
        var kuraattori = host.ClientFor(Caller.Kuraattori());
        var before = await host.EventCount(Orgs.Pirkanmaa);
        await (await kuraattori.PostJson("/api/teams", new { name = "Koulun tiimi" })).Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(Caller.SocialWorker()).PostJson("/api/teams", new { name = "" })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));

        var team = await TeamScenario.FormedAsync(host);
        var lead = team.As(team.Consultant);
        before = await host.EventCount(Orgs.Pirkanmaa);
        await (await lead.PostJson($"/api/teams/{team.TeamId}/members", new { professionalId = team.Worker.Id, name = "Again", role = "social-worker" }))
            .Problem(HttpStatusCode.Conflict);
        var invalid = await (await lead.PostJson($"/api/teams/{team.TeamId}/members", new { professionalId = "x", name = "X", role = "boss" }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]);
        await (await team.As(team.Clinician).PostJson($"/api/teams/{team.TeamId}/members", new { professionalId = "x", name = "X", role = "clinician" }))
            .Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(Caller.SocialWorker()).PostJson($"/api/teams/{team.TeamId}/members", new { professionalId = "x", name = "X", role = "clinician" }))
            .Problem(HttpStatusCode.NotFound);
        var stale = await lead.PostJson($"/api/teams/{team.TeamId}/members", new { professionalId = "y", name = "Y", role = "clinician" },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        await stale.Problem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
    }
}
