using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Families;

/// <summary>Relationships, organisations, If-Match and Idempotency-Key on family writes.</summary>
public sealed class FamilyBoundaries(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private readonly Caller _worker = Caller.SocialWorker();

    [Fact]
    public async Task a_professional_of_another_organisation_gets_404_indistinguishable_from_no_family()
    {
        var familyId = await host.ClientFor(_worker).RegisterFamily();
        var foreign = host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa));

        var existing = await (await foreign.GetAsync($"/api/families/{familyId}/picture")).Problem(HttpStatusCode.NotFound);
        var missing = await (await foreign.GetAsync($"/api/families/{Guid.NewGuid()}/picture")).Problem(HttpStatusCode.NotFound);

        Assert.Equal(missing["type"]!.GetValue<string>(), existing["type"]!.GetValue<string>());
        Assert.Equal(missing["detail"]!.GetValue<string>(), existing["detail"]!.GetValue<string>());
        Assert.DoesNotContain("Aino", existing.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_professional_of_another_organisation_cannot_write_to_the_family()
    {
        var familyId = await host.ClientFor(_worker).RegisterFamily();
        var foreign = Caller.SocialWorker(Orgs.Uusimaa);

        var response = await host.ClientFor(foreign).PostJson($"/api/families/{familyId}/children", new { name = "X", birthDate = "2020-01-01" });

        await response.Problem(HttpStatusCode.NotFound);
        Assert.Single(await host.EventsOf(_worker.Org, familyId));
        Assert.Equal(0, await host.EventCount(Orgs.Uusimaa));
    }

    [Fact]
    public async Task a_colleague_without_a_relationship_gets_404_on_read_and_write()
    {
        var familyId = await host.ClientFor(_worker).RegisterFamily();
        var colleague = host.ClientFor(Caller.SocialWorker());

        await (await colleague.GetAsync($"/api/families/{familyId}/picture")).Problem(HttpStatusCode.NotFound);
        await (await colleague.PostJson($"/api/families/{familyId}/children", new { name = "X", birthDate = "2020-01-01" }))
            .Problem(HttpStatusCode.NotFound);
        Assert.Single(await host.EventsOf(_worker.Org, familyId));
    }

    [Fact]
    public async Task an_auditor_sees_no_family_through_the_picture_route()
    {
        var familyId = await host.ClientFor(_worker).RegisterFamily();
        await (await host.ClientFor(Caller.Auditor()).GetAsync($"/api/families/{familyId}/picture")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_writes_nothing()
    {
        var client = host.ClientFor(_worker);
        var familyId = await client.RegisterFamily();
        await (await client.PostJson($"/api/families/{familyId}/children", new { name = "Eka", birthDate = "2024-01-01" })).Ok(HttpStatusCode.Created);

        var response = await client.PostJson($"/api/families/{familyId}/children", new { name = "Toka", birthDate = "2025-01-01" },
            r => r.Headers.IfMatch.ParseAdd("\"1\""));

        var problem = await response.Problem(HttpStatusCode.PreconditionFailed);
        Assert.Contains("(2)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, (await host.EventsOf(_worker.Org, familyId)).Count);
    }

    [Fact]
    public async Task an_unreadable_if_match_is_400()
    {
        var client = host.ClientFor(_worker);
        var familyId = await client.RegisterFamily();

        var response = await client.PostJson($"/api/families/{familyId}/children", new { name = "Eka", birthDate = "2024-01-01" },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"yesterday\""));

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["If-Match"]);
        Assert.Single(await host.EventsOf(_worker.Org, familyId));
    }

    [Fact]
    public async Task an_idempotent_replay_returns_the_first_answer_and_writes_one_event()
    {
        var client = host.ClientFor(_worker);
        var key = Guid.NewGuid().ToString();
        var before = await host.EventCount(_worker.Org);

        var family = System.Text.Json.JsonSerializer.Serialize(Scenarios.AFamily());
        var first = await client.PostJson("/api/families", family, r => r.Headers.Add("Idempotency-Key", key));
        var second = await client.PostJson("/api/families", family, r => r.Headers.Add("Idempotency-Key", key));

        var firstBody = await first.Ok(HttpStatusCode.Created);
        var secondBody = await second.Ok(HttpStatusCode.Created);
        Assert.Equal(firstBody.ToJsonString(), secondBody.ToJsonString());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(before + 1, await host.EventCount(_worker.Org));
    }

    [Fact]
    public async Task concurrent_copies_of_one_idempotent_request_write_one_event()
    {
        var client = host.ClientFor(_worker);
        var key = Guid.NewGuid().ToString();
        var before = await host.EventCount(_worker.Org);

        var family = System.Text.Json.JsonSerializer.Serialize(Scenarios.AFamily());
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostJson("/api/families", family, r => r.Headers.Add("Idempotency-Key", key))));

        var bodies = await Task.WhenAll(responses.Select(r => r.Ok(HttpStatusCode.Created)));
        Assert.Single(bodies.Select(b => b["familyId"]!.GetValue<string>()).Distinct());
        Assert.Equal(before + 1, await host.EventCount(_worker.Org));
    }

    [Fact]
    public async Task reusing_an_idempotency_key_with_another_body_is_409_and_writes_nothing()
    {
        var client = host.ClientFor(_worker);
        var key = Guid.NewGuid().ToString();
        await (await client.PostJson("/api/families", Scenarios.AFamily(), r => r.Headers.Add("Idempotency-Key", key))).Ok(HttpStatusCode.Created);
        var before = await host.EventCount(_worker.Org);

        var response = await client.PostJson("/api/families", Scenarios.AFamily(children: 2), r => r.Headers.Add("Idempotency-Key", key));

        await response.Problem(HttpStatusCode.Conflict);
        Assert.Equal(before, await host.EventCount(_worker.Org));
    }

    [Fact]
    public async Task idempotency_keys_belong_to_their_caller()
    {
        var key = Guid.NewGuid().ToString();
        var a = await (await host.ClientFor(_worker).PostJson("/api/families", Scenarios.AFamily(), r => r.Headers.Add("Idempotency-Key", key)))
            .Ok(HttpStatusCode.Created);
        var b = await (await host.ClientFor(Caller.SocialWorker()).PostJson("/api/families", Scenarios.AFamily(), r => r.Headers.Add("Idempotency-Key", key)))
            .Ok(HttpStatusCode.Created);

        Assert.NotEqual(a["familyId"]!.GetValue<string>(), b["familyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task concurrent_writers_on_one_family_lose_no_event()
    {
        var client = host.ClientFor(_worker);
        var familyId = await client.RegisterFamily();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.PostJson($"/api/families/{familyId}/children", new { name = $"Lapsi {i}", birthDate = "2020-01-01" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Json())["version"]!.GetValue<long>()));
        Assert.Equal(Enumerable.Range(2, 20).Select(v => (long)v), versions.Order());
        var events = await host.EventsOf(_worker.Org, familyId);
        Assert.Equal(21, events.Count);
        var picture = await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal(21, picture["children"]!.AsArray().Count);
        Assert.Equal(21, picture["version"]!.GetValue<long>());
    }
}
