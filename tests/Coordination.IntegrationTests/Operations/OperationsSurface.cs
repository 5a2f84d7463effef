using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Coordination.IntegrationTests.Operations;

public sealed class OperationsSurface(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    /// <summary>
    /// The service's sessions are in UTC whatever the server's zone (a county's PostgreSQL may well run in Europe/Helsinki):
    /// Wolverine stamps inbox envelopes with <c>now() at time zone 'utc'</c> into a timestamptz, which a session in another
    /// zone shifts by its offset, and the inbox's stale time would then release every envelope as it arrived.
    /// </summary>
    [Fact]
    public async Task the_services_sessions_are_in_utc_so_the_inbox_stamps_moments_as_they_are()
    {
        await using var connection = host.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select current_setting('TimeZone'), extract(epoch from (now() - (now() at time zone 'utc')::timestamptz))";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("UTC", reader.GetString(0));
        Assert.Equal(0m, reader.GetDecimal(1));
    }

    [Fact]
    public async Task ready_and_live_answer_healthy_without_a_token()
    {
        var client = host.CreateClient();
        Assert.Equal("Healthy", await (await client.GetAsync("/health/live")).Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_openapi_document_describes_the_family_routes()
    {
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/families", paths);
        Assert.Contains("/api/families/search", paths);
        Assert.Contains("/api/families/{familyId}/picture", paths);
        Assert.Contains("/api/families/{familyId}/children", paths);
        // The systemic-team routes of the contract.
        string[] teamRoutes =
        [
            "/api/teams", "/api/teams/{teamId}/members", "/api/teams/{teamId}/members/{professionalId}", "/api/teams/{teamId}/families",
            "/api/teams/{teamId}/meetings", "/api/teams/{teamId}/meetings/{meetingId}/agenda", "/api/families/{familyId}/systemic-discussions",
            "/api/teams/{teamId}/caseload", "/api/families/{familyId}/hypotheses",
        ];
        Assert.All(teamRoutes, route => Assert.Contains(route, paths));
        string[] schoolRoutes =
        [
            "/api/integrations/school-welfare/senders", "/api/integrations/school-welfare/senders/{senderId}/secrets/oldest",
            "/api/integrations/school-welfare/messages", "/api/integrations/school-welfare/messages/{messageId}",
            "/api/integrations/school-welfare/messages/{messageId}/link", "/api/integrations/school-welfare/messages/{messageId}/replay",
        ];
        Assert.All(schoolRoutes, route => Assert.Contains(route, paths));
    }

    [Fact]
    public async Task the_interactive_page_is_served_at_docs()
    {
        var response = await host.CreateClient().GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task dev_tokens_are_issued_in_development_and_open_the_api()
    {
        var response = await host.CreateClient().PostJson("/dev/tokens",
            new { sub = "sw-dev", name = "Dev", org = Orgs.Pirkanmaa, agency = "social-work", roles = new[] { "caseworker" } });
        var token = (await response.Ok())["token"]!.GetValue<string>();

        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await client.RegisterFamily();
    }

    [Fact]
    public async Task a_dev_token_for_an_unknown_agency_is_refused()
    {
        var response = await host.CreateClient().PostJson("/dev/tokens",
            new { sub = "x", name = "X", org = Orgs.Pirkanmaa, agency = "police", roles = Array.Empty<string>() });
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["agency"]);
    }

    [Fact]
    public async Task an_unknown_api_route_answers_with_a_problem()
    {
        var response = await host.ClientFor(Caller.SocialWorker()).GetAsync("/api/nothing-here");
        await response.Problem(HttpStatusCode.NotFound);
    }
}

/// <summary>The service as deployed: Production, a configured signing key, no dev tokens.</summary>
public sealed class ProductionHost : CoordinationHost
{
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray()));
    }
}

public sealed class ProductionSurface(ProductionHost host) : IClassFixture<ProductionHost>
{
    [Fact]
    public async Task dev_tokens_do_not_exist_outside_development()
    {
        var response = await host.CreateClient().PostJson("/dev/tokens",
            new { sub = "x", name = "X", org = Orgs.Pirkanmaa, agency = "social-work", roles = new[] { "caseworker" } });
        var problem = await response.Problem(HttpStatusCode.NotFound);
        Assert.Null(problem["token"]);
    }

    [Fact]
    public async Task a_token_signed_with_the_configured_key_works_in_production()
    {
        var familyId = await host.ClientFor(Caller.SocialWorker()).RegisterFamily();
        Assert.NotEqual(Guid.Empty, familyId);
    }
}
