using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.SystemicTeams;

/// <summary>A team's whole year on one family, in short: for tests that need every kind of team fact in the store.</summary>
public static class TeamWork
{
    public static async Task<(TeamScenario Team, StatutoryPath Family)> OnAFamily(CoordinationHost host)
    {
        var team = await TeamScenario.FormedAsync(host);
        var family = await team.AllocatedFamilyAsync(children: 2, before: async p => await p.WithConcern());
        await team.ScheduleMeeting(DateTimeOffset.UtcNow);
        var first = await team.Discuss(family.FamilyId, reflections: "Father's new job changed the evenings.",
            hypotheses: new[] { new { hypothesisId = (Guid?)null, text = "Evenings alone keep the older child awake.", status = "proposed", evidence = new[] { new { familyVersion = 2 } } } },
            actions: new[] { new { description = "Ask the school about mornings", ownerId = team.Clinician.Id, dueBy = TeamScenario.Day(DateTimeOffset.UtcNow.AddDays(7)) } });
        await team.Discuss(family.FamilyId, hypotheses: new[]
        {
            new { hypothesisId = (Guid?)Guid.Parse(first["hypotheses"]![0]!["hypothesisId"]!.GetValue<string>()), text = "Confirmed by the school.", status = "supported", evidence = new[] { new { familyVersion = 3 } } },
        });
        await (await team.As(team.Clinician).PostJson($"/api/families/{family.FamilyId}/actions/{first["actionIds"]![0]!.GetValue<string>()}/completion",
            new { note = "School says mornings are hard." })).Ok();
        await team.AddMember(new Caller("sw-extra", "Uusi Työntekijä", team.Worker.Org, "social-work", "caseworker"), "social-worker");
        await (await team.As(team.Consultant).DeleteAsync($"/api/teams/{team.TeamId}/members/sw-extra")).Ok();
        return (team, family);
    }
}
