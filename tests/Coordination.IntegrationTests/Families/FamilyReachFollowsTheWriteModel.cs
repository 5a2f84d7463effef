using System.Net;
using System.Text.Json;
using Coordination.Access;
using Coordination.Families;
using Coordination.IntegrationTests.Audit;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SystemicTeams;
using Marten;

namespace Coordination.IntegrationTests.Families;

/// <summary>
/// The lists find a caller's families by <see cref="FamilyReach"/>, a copy of each family's relationships kept by its own
/// projection; what may be written is judged by the write model's. The two must be the same relationships after every kind
/// of fact that makes or ends one: registration, the intake's notifier, a decision, invitations (by agency and by name),
/// a conclusion naming the responsible worker, a team allocation, team work, a school's message.
/// </summary>
public sealed class FamilyReachFollowsTheWriteModel(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact(Timeout = 240000)]
    public async Task every_familys_reach_holds_exactly_the_relationships_of_its_write_model()
    {
        var busy = await OperationsForAuditors.BusyFamilyOf(host);
        await busy.InvitedByName(Caller.FamilyWorker());
        var notified = await new StatutoryPath(host, Caller.SocialWorker()).Registered(1);
        await notified.Notified(host.ClientFor(Caller.SocialWorker()));
        var decided = await (await (await new StatutoryPath(host, Caller.SocialWorker()).Registered(2)).WithConcern()).UrgencyAssessed();
        await decided.AssessmentStarted();
        var team = await TeamScenario.FormedAsync(host);
        var allocated = await team.AllocatedFamilyAsync(children: 2);
        await team.Discuss(allocated.FamilyId, reflections: "The family has carried the move alone.");
        var reallocated = await team.AllocatedFamilyAsync();
        await (await team.Allocate(reallocated.FamilyId, team.Consultant.Id, by: team.Consultant)).Ok();

        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var models = await session.Query<Family>().ToListAsync();
        var reaches = (await session.Query<FamilyReach>().ToListAsync()).ToDictionary(r => r.Id);
        Assert.Equal(models.Select(m => m.Id).Order(), reaches.Keys.Order());
        foreach (var family in new[] { busy, notified, decided, allocated, reallocated })
        {
            Assert.Contains(family.FamilyId, reaches.Keys);
        }
        foreach (var model in models)
        {
            Assert.Equal(JsonSerializer.Serialize(model.Relationships, Coordination.Hosting.Json.Storage), JsonSerializer.Serialize(reaches[model.Id].Relationships, Coordination.Hosting.Json.Storage));
        }
        // Not vacuous: the facts above named people, agencies, a team and a waiting concern.
        Assert.Contains(reaches.Values, r => r.Relationships.TeamId is not null);
        Assert.Contains(reaches.Values, r => r.Relationships.InvitedAgencies.Count > 0);
        Assert.Contains(reaches.Values, r => r.Relationships.ResponsibleSocialWorkerId == team.Consultant.Id);
    }
}
