using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

/// <summary>A team of four with six families; the agenda after a series of events across them.</summary>
public sealed class TheWeeklyMeeting(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task the_agenda_names_every_family_of_the_team_with_why_it_needs_attention_now()
    {
        var team = await TeamScenario.FormedAsync(host);
        var worker = team.As(team.Worker);
        var quiet = await team.AllocatedFamilyAsync();
        var concerned = await team.AllocatedFamilyAsync();
        var assessed = await team.AllocatedFamilyAsync(before: async p =>
        {
            await p.WithConcern();
            await p.UrgencyAssessed();
            await p.AssessmentStarted();
        });
        var withAction = await team.AllocatedFamilyAsync();
        var withOldHypothesis = await team.AllocatedFamilyAsync();
        var decisionDue = await team.AllocatedFamilyAsync(before: async p =>
        {
            await p.WithConcern();
            await p.UrgencyAssessed();
        });

        var firstMeeting = await team.ScheduleMeeting(DateTimeOffset.UtcNow);
        var firstAgenda = await team.Agenda(firstMeeting);
        Assert.Equal(6, firstAgenda.Count);
        Assert.All(firstAgenda, f => Assert.Contains("newly-allocated", Reasons(f)));
        await Task.Delay(20); // what follows is recorded after the first meeting

        // Since the first meeting: a new concern; a psychiatric contribution and a hearing; an action agreed ten days ago
        // and due three days ago; a hypothesis last looked at forty days ago.
        await concerned.Notified(host.ClientFor(Caller.Kuraattori()));
        var invitation = await assessed.Invite("child-psychiatry");
        await (await host.ClientFor(Caller.Psychiatrist()).PostJson($"/api/families/{assessed.FamilyId}/assessments/{assessed.AssessmentId}/contributions",
            StatutoryPath.Contribution(assessed.ChildIds, "general", "atl-64", invitation))).Ok(HttpStatusCode.Created);
        await assessed.HearAll();
        var now = DateTimeOffset.UtcNow;
        await team.Discuss(withAction.FamilyId, heldAt: now.AddDays(-10), reflections: "Mother tired; grandmother helps on weekends.",
            actions: new[] { new { description = "Visit with the grandmother", ownerId = team.Worker.Id, dueBy = TeamScenario.Day(now.AddDays(-3)) } });
        await team.Discuss(withOldHypothesis.FamilyId, heldAt: now.AddDays(-40),
            hypotheses: new[] { new { hypothesisId = (Guid?)null, text = "Absences keep the family's shame hidden.", status = "proposed", evidence = new[] { new { familyVersion = 1 } } } });

        // The meeting falls three days before the waiting decision is due (7 working days: 9 to 15 calendar days away,
        // holidays included), so that deadline is due within a week of it while everything above has happened.
        var decisionDueOn = DateOnly.Parse((await (await worker.GetAsync($"/api/families/{decisionDue.FamilyId}/picture")).Ok())
            ["concerns"]![0]!["decisionDue"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var meetingAt = new DateTimeOffset(decisionDueOn.AddDays(-3).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        Assert.True(meetingAt > now.AddDays(5));
        var secondMeeting = await team.ScheduleMeeting(meetingAt);
        var agenda = (await team.Agenda(secondMeeting)).ToDictionary(f => Guid.Parse(f!["familyId"]!.GetValue<string>()));

        Assert.Equal(6, agenda.Count);
        Assert.Empty(Reasons(agenda[quiet.FamilyId]));
        Assert.Contains("new-concern", Reasons(agenda[concerned.FamilyId]));
        // The new concern's urgency was never assessed: by the meeting its same-day deadline has passed.
        Assert.Contains(agenda[concerned.FamilyId]!["reasons"]!.AsArray(),
            r => Reason(r) == "deadline-missed" && r!["deadlineKind"]!.GetValue<string>() == "urgency-assessment");
        Assert.Equal(["new-contribution", "new-hearing"], Reasons(agenda[assessed.FamilyId]).Order());
        Assert.Equal("child-psychiatry", agenda[assessed.FamilyId]!["reasons"]!.AsArray().Single(r => Reason(r) == "new-contribution")!["agency"]!.GetValue<string>());
        Assert.Equal(["action-overdue"], Reasons(agenda[withAction.FamilyId]));
        Assert.Equal(["hypothesis-not-revisited"], Reasons(agenda[withOldHypothesis.FamilyId]));
        var due = Assert.Single(agenda[decisionDue.FamilyId]!["reasons"]!.AsArray());
        Assert.Equal("deadline-due-soon", Reason(due));
        Assert.Equal("assessment-decision", due!["deadlineKind"]!.GetValue<string>());

        // Families that need attention come first.
        var order = (await team.Agenda(secondMeeting)).Select(f => Reasons(f).Count > 0).ToList();
        Assert.Equal(order.OrderByDescending(x => x), order);
    }

    [Fact]
    public async Task the_agenda_is_current_the_moment_a_write_is_acknowledged()
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync();
        var meeting = await team.ScheduleMeeting(DateTimeOffset.UtcNow);
        await Task.Delay(20);
        var next = await team.ScheduleMeeting(DateTimeOffset.UtcNow.AddDays(7));
        Assert.Empty(Reasons((await team.Agenda(next)).Single()));

        await family.WithConcern();
        Assert.Contains("new-concern", Reasons((await team.Agenda(next)).Single()));
        Assert.NotEqual(meeting, next);
    }

    [Fact]
    public async Task an_agenda_for_an_unknown_meeting_or_team_is_404_and_for_a_non_member_too()
    {
        var team = await TeamScenario.FormedAsync(host);
        await team.AllocatedFamilyAsync();
        var meeting = await team.ScheduleMeeting(DateTimeOffset.UtcNow);
        var coordinator = team.As(team.Coordinator);

        await (await coordinator.GetAsync($"/api/teams/{team.TeamId}/meetings/{Guid.NewGuid()}/agenda")).Problem(HttpStatusCode.NotFound);
        await (await coordinator.GetAsync($"/api/teams/{Guid.NewGuid()}/meetings/{meeting}/agenda")).Problem(HttpStatusCode.NotFound);
        var outsider = host.ClientFor(Caller.SocialWorker());
        await (await outsider.GetAsync($"/api/teams/{team.TeamId}/meetings/{meeting}/agenda")).Problem(HttpStatusCode.NotFound);
        await (await outsider.GetAsync($"/api/teams/{team.TeamId}/caseload")).Problem(HttpStatusCode.NotFound);
        var otherCounty = new Caller(team.Coordinator.Id, team.Coordinator.Name, Orgs.Uusimaa, "social-work", "coordinator");
        await (await host.ClientFor(otherCounty).GetAsync($"/api/teams/{team.TeamId}/caseload")).Problem(HttpStatusCode.NotFound);
    }

    private static List<string> Reasons(JsonNode? family) =>
        family!["reasons"]!.AsArray().Select(Reason).ToList();

    private static string Reason(JsonNode? reason) => reason!["reason"]!.GetValue<string>();
}
