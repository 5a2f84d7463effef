using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Npgsql;

namespace Coordination.IntegrationTests.Audit;

public sealed class TamperEvidence(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private async Task<StatutoryPath> ConcludedFamily()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("family-work");
        await (await host.ClientFor(Caller.FamilyWorker()).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "general", "atl-64", invitation))).Ok(HttpStatusCode.Created);
        await path.HearAll();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/conclusion", new
        {
            outcome = "child-protection-client", summary = "Open-care support.", namedWorkerNeeded = true,
            responsibleSocialWorkerId = path.SocialWorker.Id, concludedAt = StatutoryPath.Now(),
        })).Ok();
        return path;
    }

    private async Task Execute(string sql, Guid familyId, long version)
    {
        await using var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", host.Schema, StringComparison.Ordinal), connection);
        command.Parameters.AddWithValue("id", familyId);
        command.Parameters.AddWithValue("v", version);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task the_chain_verifies_and_then_names_the_version_changed_in_the_database()
    {
        var path = await ConcludedFamily();
        var auditor = host.ClientFor(Caller.Auditor());

        var intact = await (await auditor.GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok();
        Assert.True(intact["valid"]!.GetValue<bool>());
        var events = intact["events"]!.GetValue<int>();
        Assert.Equal((await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count, events);
        Assert.Null(intact["firstBrokenVersion"]);

        await Execute("update {schema}.mt_events set data = jsonb_set(data, '{reasoning}', '\"Urgent after all.\"') where stream_id = @id and version = @v",
            path.FamilyId, 3);

        var tampered = await (await auditor.GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok();
        Assert.False(tampered["valid"]!.GetValue<bool>());
        Assert.Equal(3, tampered["firstBrokenVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task a_deleted_event_is_detected_at_its_version()
    {
        var path = await ConcludedFamily();
        await Execute("delete from {schema}.mt_events where stream_id = @id and version = @v", path.FamilyId, 5);

        var report = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok();

        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.Equal(5, report["firstBrokenVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task deleting_the_last_event_is_detected_too()
    {
        var path = await ConcludedFamily();
        var last = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        await Execute("delete from {schema}.mt_events where stream_id = @id and version = @v", path.FamilyId, last);

        var report = await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok();

        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.Equal(last, report["firstBrokenVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task the_history_shows_every_actor_both_times_and_the_chain()
    {
        var path = await ConcludedFamily();

        // The auditor reads the chain; the responsible social worker named at the conclusion reads the history without it,
        // since a fact's hash would let its withheld content be guessed and checked.
        var history = (await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{path.FamilyId}/history")).Ok()).AsArray();
        var theirs = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/history")).Ok()).AsArray();
        Assert.Equal(history.Count, theirs.Count);
        Assert.All(theirs, h => Assert.Null(h!["hash"]));
        Assert.Null((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/integrity")).Ok())["headHash"]);

        var stored = await host.EventsOf(path.SocialWorker.Org, path.FamilyId);
        Assert.Equal(stored.Count, history.Count);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(v => (long)v), history.Select(h => h!["version"]!.GetValue<long>()));
        Assert.Contains(history, h => h!["actor"]!["agency"]!.GetValue<string>() == "family-work");
        Assert.All(history, h =>
        {
            Assert.False(string.IsNullOrEmpty(h!["actor"]!["id"]!.GetValue<string>()));
            Assert.Equal(path.SocialWorker.Org, h["actor"]!["organisation"]!.GetValue<string>());
            Assert.NotNull(h["occurredAt"]);
            Assert.NotNull(h["recordedAt"]);
            Assert.Equal(64, h["hash"]!.GetValue<string>().Length);
        });
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1]!["hash"]!.GetValue<string>(), history[i]!["previousHash"]!.GetValue<string>());
        }
        Assert.Equal("FamilyRegistered", history[0]!["type"]!.GetValue<string>()); // as docs/events.md names it
        Assert.Equal("", history[0]!["previousHash"]!.GetValue<string>());
    }

    [Fact]
    public async Task history_pages_with_a_next_link()
    {
        var path = await ConcludedFamily();
        var auditor = host.ClientFor(Caller.Auditor());

        var first = await auditor.GetAsync($"/api/families/{path.FamilyId}/history?limit=3");
        var page = (await first.Ok()).AsArray();

        Assert.Equal(3, page.Count);
        Assert.Contains("fromVersion=4", first.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        var second = (await (await auditor.GetAsync($"/api/families/{path.FamilyId}/history?fromVersion=4&limit=3")).Ok()).AsArray();
        Assert.Equal(4, second[0]!["version"]!.GetValue<long>());
        await (await auditor.GetAsync($"/api/families/{path.FamilyId}/history?limit=0")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task only_auditors_and_the_responsible_social_worker_replay_a_family()
    {
        var path = await ConcludedFamily();
        var familyWorker = host.ClientFor(Caller.FamilyWorker());
        var foreignAuditor = host.ClientFor(Caller.Auditor(Orgs.Uusimaa));

        await (await familyWorker.GetAsync($"/api/families/{path.FamilyId}/history")).Problem(HttpStatusCode.NotFound);
        await (await familyWorker.GetAsync($"/api/families/{path.FamilyId}/integrity")).Problem(HttpStatusCode.NotFound);
        await (await foreignAuditor.GetAsync($"/api/families/{path.FamilyId}/history")).Problem(HttpStatusCode.NotFound);
    }
}
