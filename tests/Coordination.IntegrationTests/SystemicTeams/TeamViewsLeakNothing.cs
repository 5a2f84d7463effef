using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

/// <summary>
/// A discussion is client data: a member of the team sees through the team's views nothing their own picture of the family
/// would withhold. The clinician here is a family therapist from family work, with no consent covering social work's or
/// child psychiatry's records.
/// </summary>
public sealed class TeamViewsLeakNothing(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task a_clinician_sees_no_withheld_content_through_any_team_view()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(before: async p =>
        {
            await p.WithConcern();
            await p.UrgencyAssessed();
            await p.AssessmentStarted();
        });
        var invitation = await family.Invite("child-psychiatry");
        var secretEntry = $"PSYCHIATRIC-{Guid.NewGuid():N}";
        await (await host.ClientFor(Caller.Psychiatrist()).PostJson($"/api/families/{family.FamilyId}/assessments/{family.AssessmentId}/contributions", new
        {
            invitationId = invitation, childIds = family.ChildIds, summary = secretEntry, observations = secretEntry + " observed",
            category = "psychiatric-entry", legalBasis = "atl-64",
        })).Ok(HttpStatusCode.Created);
        var secretHypothesis = $"HYPOTHESIS-{Guid.NewGuid():N}";
        var secretReflection = $"REFLECTION-{Guid.NewGuid():N}";
        var secretAction = $"ACTION-{Guid.NewGuid():N}";
        // A discussion the clinician was not part of.
        await team.Discuss(family.FamilyId, participants: [team.Consultant.Id, team.Worker.Id], reflections: secretReflection,
            hypotheses: new[] { new { hypothesisId = (Guid?)null, text = secretHypothesis, status = "proposed", evidence = new[] { new { familyVersion = 1 } } } },
            actions: new[] { new { description = secretAction, ownerId = team.Worker.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(-1)) } },
            heldAt: DateTimeOffset.UtcNow.AddDays(-2));
        var meeting = await team.ScheduleMeeting(DateTimeOffset.UtcNow.AddDays(1));

        var clinician = team.As(team.Clinician);
        var picture = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/picture")).Ok();
        var hypotheses = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/hypotheses")).Ok();
        var views = new Dictionary<string, JsonNode>
        {
            ["agenda"] = await (await clinician.GetAsync($"/api/teams/{team.TeamId}/meetings/{meeting}/agenda")).Ok(),
            ["caseload"] = await (await clinician.GetAsync($"/api/teams/{team.TeamId}/caseload")).Ok(),
            ["workload"] = await (await clinician.GetAsync($"/api/teams/{team.TeamId}/workload")).Ok(),
            ["hypotheses"] = hypotheses,
            ["systemic-discussions"] = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/systemic-discussions")).Ok(),
        };

        // The picture withholds all of it...
        Assert.Contains(picture["assessment"]!["contributions"]!.AsArray(), c => c!["reason"]?.GetValue<string>() == "confirmation-required"
                                                                                    || c!["reason"]?.GetValue<string>() == "no-consent");
        var revision = Assert.Single(Assert.Single(hypotheses["hypotheses"]!.AsArray())!["revisions"]!.AsArray());
        Assert.True(revision!["withheld"]!.GetValue<bool>());
        Assert.Equal("no-consent", revision["reason"]!.GetValue<string>());
        Assert.True(Assert.Single(picture["openActions"]!.AsArray())!["withheld"]!.GetValue<bool>());
        var discussion = Assert.Single(views["systemic-discussions"]["discussions"]!.AsArray());
        Assert.True(discussion!["withheld"]!.GetValue<bool>());
        Assert.Equal(2, discussion["participantIds"]!.AsArray().Count); // who took part is on record (ATL 44 §); what was said is not shown

        // ...and no team view shows any text of the family's record that the picture does not. (Who the team's members are
        // is the team's own information, shown in its workload; it is in the record too, as discussion participants.)
        var pictureTexts = Strings(picture).Concat([team.Consultant.Id, team.Worker.Id, team.Clinician.Id, team.Coordinator.Id]).ToHashSet();
        var recordTexts = (await host.EventsOf(Orgs.Pirkanmaa, family.FamilyId))
            .SelectMany(e => Strings(JsonSerializer.SerializeToNode(e.Data, e.Data.GetType())))
            .Where(s => s.Length >= 12).ToHashSet();
        foreach (var (name, view) in views)
        {
            var shown = Strings(view).ToHashSet();
            var leaked = recordTexts.Where(t => shown.Contains(t) && !pictureTexts.Contains(t)).ToList();
            Assert.True(leaked.Count == 0, $"{name} shows what the picture withholds: {string.Join(", ", leaked)}");
            var raw = view.ToJsonString();
            Assert.DoesNotContain(secretEntry, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(secretHypothesis, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(secretReflection, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(secretAction, raw, StringComparison.Ordinal);
        }
        // The team still sees that the family needs attention, without the content.
        Assert.Contains(views["agenda"]["families"]![0]!["reasons"]!.AsArray(), r => r!["reason"]!.GetValue<string>() == "action-overdue");
    }

    [Fact]
    public async Task those_who_took_part_in_a_discussion_read_it_and_the_disclosure_is_logged()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var text = $"HYPOTHESIS-{Guid.NewGuid():N}";
        var reflections = $"REFLECTION-{Guid.NewGuid():N}";
        await team.Discuss(family.FamilyId, participants: [team.Worker.Id, team.Clinician.Id], reflections: reflections,
            hypotheses: new[] { new { hypothesisId = (Guid?)null, text, status = "proposed", evidence = Array.Empty<object>() } });

        var clinician = team.As(team.Clinician);
        var hypotheses = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/hypotheses")).Ok();
        Assert.Equal(text, hypotheses["hypotheses"]![0]!["current"]!["text"]!.GetValue<string>());
        var picture = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/picture")).Ok();
        Assert.Equal(text, picture["hypotheses"]![0]!["current"]!["text"]!.GetValue<string>());
        var discussions = await (await clinician.GetAsync($"/api/families/{family.FamilyId}/systemic-discussions")).Ok();
        var discussion = Assert.Single(discussions["discussions"]!.AsArray());
        Assert.Equal(reflections, discussion!["reflections"]!.GetValue<string>());
        Assert.Equal(1, discussion["hypotheses"]![0]!["revision"]!.GetValue<int>());

        var log = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={family.FamilyId}")).Ok()).AsArray();
        var toClinician = log.Where(e => e!["kind"]!.GetValue<string>() == "disclosure"
                                         && e["professionalId"]!.GetValue<string>() == team.Clinician.Id).ToList();
        // The frame of the family record, shown to family work with each read of the picture (docs/sharing.md F2).
        var frame = Assert.Single(toClinician, d => d!["data"]!.GetValue<string>() == "family-record");
        Assert.Equal("client-relationship", frame!["basis"]!.GetValue<string>());
        var disclosures = toClinician.Where(d => d!["data"]!.GetValue<string>() != "family-record").ToList();
        Assert.Equal(3, disclosures.Count); // the hypothesis through /hypotheses and the picture, the discussion through its route
        Assert.Single(disclosures, d => d!["data"]!.GetValue<string>().StartsWith("discussion:", StringComparison.Ordinal));
        Assert.All(disclosures, d => Assert.Equal("discussion-participant", d!["basis"]!.GetValue<string>()));
        Assert.All(disclosures, d => Assert.Equal("social-work", d!["ownerAgency"]!.GetValue<string>()));
        // The team's views are use-logged family by family, and to a member of family work they disclose the frame.
        await team.Caseload(team.Clinician);
        log = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/audit/access-log?familyId={family.FamilyId}")).Ok()).AsArray();
        Assert.Contains(log, e => e!["data"]!.GetValue<string>() == "team-caseload" && e["professionalId"]!.GetValue<string>() == team.Clinician.Id);
        Assert.Equal(2, log.Count(e => e!["kind"]!.GetValue<string>() == "disclosure" && e["data"]!.GetValue<string>() == "family-record"
                                       && e["professionalId"]!.GetValue<string>() == team.Clinician.Id));
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
