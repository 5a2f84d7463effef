using System.Net;
using System.Text;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Families;

/// <summary>Every bad input gets its documented status and a problem body, and writes nothing.</summary>
public sealed class RefusingBadRegistrations(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private readonly Caller _worker = Caller.SocialWorker();

    private async Task<System.Text.Json.Nodes.JsonNode> RefusedWithNothingWritten(Func<HttpClient, Task<HttpResponseMessage>> send,
        HttpStatusCode status, Caller? who = null)
    {
        var before = await host.EventCount(_worker.Org);
        var response = await send(host.ClientFor(who ?? _worker));
        var problem = await response.Problem(status);
        Assert.Equal(before, await host.EventCount(_worker.Org));
        return problem;
    }

    private static string Family(string childCode) =>
        $$"""{"children":[{"personId":"{{childCode}}","name":"Aino"}],"guardians":[],"municipality":"Tampere","languages":["fi"]}""";

    [Theory]
    [InlineData("010516B902X", "check character")]
    [InlineData("010516G902W", "century sign")]
    [InlineData("290223A1237", "date that does not exist")]
    public async Task an_invalid_identity_code_is_400_naming_the_field(string code, string reason)
    {
        var problem = await RefusedWithNothingWritten(c => c.PostJson("/api/families", Family(code)), HttpStatusCode.BadRequest);

        var messages = problem["errors"]!["children[0].personId"]!.AsArray().Select(m => m!.GetValue<string>());
        Assert.Contains(messages, m => m.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(code, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_family_without_children_is_400()
    {
        var problem = await RefusedWithNothingWritten(c => c.PostJson("/api/families", """{"children":[],"guardians":[]}"""),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["children"]);
    }

    [Fact]
    public async Task a_child_without_code_or_birth_date_is_400()
    {
        var problem = await RefusedWithNothingWritten(c => c.PostJson("/api/families", """{"children":[{"name":"Aino"}]}"""),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["children[0].birthDate"]);
    }

    [Fact]
    public async Task a_birth_date_that_disagrees_with_the_code_is_400()
    {
        var problem = await RefusedWithNothingWritten(
            c => c.PostJson("/api/families", """{"children":[{"personId":"010516B902W","name":"Aino","birthDate":"2016-05-02"}]}"""),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["children[0].birthDate"]);
    }

    [Fact]
    public async Task an_unknown_json_field_is_400_naming_it()
    {
        var problem = await RefusedWithNothingWritten(
            c => c.PostJson("/api/families", """{"children":[{"personId":"010516B902W","name":"Aino"}],"favouriteColour":"red"}"""),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["favouriteColour"]);
    }

    [Fact]
    public async Task malformed_json_is_400()
    {
        var problem = await RefusedWithNothingWritten(c => c.PostJson("/api/families", """{"children":[{"name":"Aino" """),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]);
    }

    [Fact]
    public async Task a_wrong_type_is_400()
    {
        var problem = await RefusedWithNothingWritten(c => c.PostJson("/api/families", """{"children":"Aino"}"""),
            HttpStatusCode.BadRequest);
        Assert.Equal(["Expected an array."], problem["errors"]!["children"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_415()
    {
        await RefusedWithNothingWritten(c => c.PostAsync("/api/families",
            new StringContent(Family("010516B902W"), Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task a_body_over_256_kib_is_413()
    {
        var huge = $$"""{"children":[{"personId":"010516B902W","name":"{{new string('a', 300 * 1024)}}"}]}""";
        await RefusedWithNothingWritten(c => c.PostJson("/api/families", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task a_chunked_body_over_256_kib_is_413()
    {
        var huge = $$"""{"children":[{"personId":"010516B902W","name":"{{new string('a', 300 * 1024)}}"}]}""";
        await RefusedWithNothingWritten(c =>
        {
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
            content.Headers.ContentType = new("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/families") { Content = content };
            request.Headers.TransferEncodingChunked = true;
            return c.SendAsync(request);
        }, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task a_request_without_a_token_is_401()
    {
        var before = await host.EventCount(_worker.Org);
        var response = await host.CreateClient().PostJson("/api/families", Family("010516B902W"));
        await response.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await host.EventCount(_worker.Org));
    }

    [Fact]
    public async Task an_expired_token_is_401()
    {
        var before = await host.EventCount(_worker.Org);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            host.TokenFor(_worker, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2)));
        await (await client.PostJson("/api/families", Family("010516B902W"))).Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await host.EventCount(_worker.Org));
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_401()
    {
        var client = host.CreateClient();
        var forged = new Hosting.TokenSigning("coordination", "coordination-api",
            new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[32]));
        client.DefaultRequestHeaders.Authorization = new("Bearer",
            forged.Issue(_worker.Id, _worker.Name, _worker.Org, _worker.Agency, _worker.Roles, TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        await (await client.GetAsync($"/api/families/{Guid.NewGuid()}/picture")).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task a_token_with_an_unknown_agency_is_401()
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", host.TokenFor(_worker with { Agency = "police" }));
        await (await client.GetAsync($"/api/families/{Guid.NewGuid()}/picture")).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task an_auditor_cannot_register_a_family()
    {
        await RefusedWithNothingWritten(c => c.PostJson("/api/families", Family("010516B902W")), HttpStatusCode.Forbidden,
            Caller.Auditor());
    }
}
