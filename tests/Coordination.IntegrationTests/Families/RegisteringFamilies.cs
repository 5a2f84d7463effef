using System.Net;
using System.Text.Json.Nodes;
using Coordination.Families;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Families;

public sealed class RegisteringFamilies(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private readonly Caller _worker = Caller.SocialWorker();

    [Fact]
    public async Task a_registered_family_is_one_fact_and_its_picture_shows_children_guardians_and_version()
    {
        var client = host.ClientFor(_worker);

        var response = await client.PostJson("/api/families", Scenarios.AFamily(children: 2));

        var body = await response.Ok(HttpStatusCode.Created);
        var familyId = Guid.Parse(body["familyId"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<long>());
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(2, body["childIds"]!.AsArray().Count);
        Assert.Single(body["guardianIds"]!.AsArray());

        var events = await host.EventsOf(_worker.Org, familyId);
        var registered = Assert.IsType<FamilyRegistered>(Assert.Single(events).Data);
        Assert.Equal(_worker.Id, registered.By.Id);
        Assert.Equal(_worker.Org, registered.By.Organisation);
        Assert.Equal(Identity.Agency.SocialWork, registered.By.Agency);
        Assert.Equal(_worker.Org, events[0].TenantId);

        var picture = await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal(1, picture["version"]!.GetValue<long>());
        Assert.Equal(["Aino", "Eino"], picture["children"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(body["childIds"]![0]!.GetValue<string>(), picture["children"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("2016-05-01", picture["children"]![0]!["birthDate"]!.GetValue<string>());
        Assert.Equal("Maria", picture["guardians"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("mother", picture["guardians"]![0]!["relation"]!.GetValue<string>());
        Assert.Equal(_worker.Id, picture["professionals"]![0]!["professionalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_birth_date_is_taken_from_the_identity_code_when_not_given()
    {
        var client = host.ClientFor(_worker);
        var familyId = await client.RegisterFamily(children: 3);

        var picture = await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();

        Assert.Equal("2004-05-02", picture["children"]![2]!["birthDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task search_before_create_finds_the_families_of_the_organisation_that_hold_the_person()
    {
        var client = host.ClientFor(_worker);
        var mother = TestPeople.Born(1994, 5, 1);
        var familyId = Guid.Parse((await (await client.PostJson("/api/families", new
        {
            children = new[] { new { personId = TestPeople.Born(2016, 5, 1), name = "Aino" } },
            guardians = new[] { new { personId = mother, name = "Maria", relation = "mother" } },
        })).Ok(HttpStatusCode.Created))["familyId"]!.GetValue<string>());
        var colleague = host.ClientFor(Caller.SocialWorker());
        var foreign = host.ClientFor(Caller.SocialWorker(Orgs.Uusimaa));
        // The same person in the other century: a different person (the century sign is part of the code).
        var otherCenturyCode = mother[..6] + (mother[6] == '-' ? 'Y' : '-') + mother[7..];

        var found = await (await colleague.PostJson("/api/families/search", new { personId = mother })).Ok();
        var notFoundAbroad = await (await foreign.PostJson("/api/families/search", new { personId = mother })).Ok();
        var otherCentury = await (await colleague.PostJson("/api/families/search", new { personId = otherCenturyCode })).Ok();

        Assert.Contains(familyId.ToString(), found.AsArray().Select(f => f!["familyId"]!.GetValue<string>()));
        Assert.Empty(notFoundAbroad.AsArray());
        Assert.Empty(otherCentury.AsArray());
    }

    [Fact]
    public async Task search_with_an_invalid_code_is_refused_without_echoing_it()
    {
        var response = await host.ClientFor(_worker).PostJson("/api/families/search", new { personId = "010594Y9022" });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["personId"]);
        Assert.DoesNotContain("010594Y9022", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_registered_family_survives_a_restart_of_the_service()
    {
        var familyId = await host.ClientFor(_worker).RegisterFamily();

        await using var restarted = new RestartedHost(host);
        await restarted.InitializeAsync();
        var picture = await (await restarted.ClientFor(_worker).GetAsync($"/api/families/{familyId}/picture")).Ok();

        Assert.Equal(familyId.ToString(), picture["familyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task adding_a_child_appends_one_fact_and_moves_the_version()
    {
        var client = host.ClientFor(_worker);
        var familyId = await client.RegisterFamily();

        var response = await client.PostJson($"/api/families/{familyId}/children",
            new { name = "Vauva", birthDate = "2026-11-01" }, r => r.Headers.IfMatch.ParseAdd("\"1\""));

        var body = await response.Ok(HttpStatusCode.Created);
        Assert.Equal(2, body["version"]!.GetValue<long>());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var picture = await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal(2, picture["children"]!.AsArray().Count);
        Assert.Equal(2, picture["version"]!.GetValue<long>());
        Assert.Equal(2, (await host.EventsOf(_worker.Org, familyId)).Count);
    }

    /// <summary>A second host on the same schema: the service started again.</summary>
    private sealed class RestartedHost(CoordinationHost first) : CoordinationHost
    {
        protected override string SchemaName => first.Schema;
    }

    internal static JsonNode? Field(JsonNode problem, string field) => problem["errors"]?[field];
}
