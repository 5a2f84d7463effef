using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Api;

/// <summary>Issue 17: the OpenAPI document says what each operation answers, how to authenticate, and which headers it takes.</summary>
public sealed class TheDocument(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private async Task<JsonNode> Document() => JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => (p.Key, m.Key, m.Value!)));

    /// <summary>Where the suite leaves the document for .ci/run to lint (Redocly CLI), beside the suite's figures.</summary>
    public static string WrittenTo => Path.Combine(SuiteReport.RepositoryRoot() ?? AppContext.BaseDirectory, "TestResults", "openapi.json");

    [Fact]
    public async Task every_operation_names_its_success_body_its_problems_and_a_plain_summary()
    {
        var document = await Document();
        Directory.CreateDirectory(Path.GetDirectoryName(WrittenTo)!);
        await File.WriteAllTextAsync(WrittenTo, document.ToJsonString());
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.DoesNotContain("IResult", operation.ToJsonString(), StringComparison.Ordinal);
            var responses = operation["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            Assert.True(success.Count > 0, $"{name} documents no success");
            Assert.All(success, s => Assert.True(s.Value!["content"] is JsonObject, $"{name} {s.Key} has no body schema"));
            foreach (var status in new[] { "400", "401", "429", "503" })
            {
                Assert.True(responses.ContainsKey(status) || (status == "401" && operation["security"] is null), $"{name} lacks {status}");
            }
            Assert.DoesNotMatch("^(GET|POST|DELETE)_", operation["summary"]!.GetValue<string>());
        }
        // Creates say 201 (and where), and are never described as 200 only.
        var register = document["paths"]!["/api/families"]!["post"]!["responses"]!;
        Assert.NotNull(register["201"]!["headers"]!["Location"]);
        Assert.Null(register["200"]);
        Assert.NotNull(document["paths"]!["/api/concerns"]!["post"]!["responses"]!["202"]);
    }

    [Fact]
    public async Task the_bearer_scheme_is_declared_and_every_header_the_service_reads_is_described()
    {
        var document = await Document();
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        var decide = document["paths"]!["/api/families/{familyId}/concerns/{concernId}/decision"]!["post"]!;
        Assert.Equal("bearer", decide["security"]![0]!.AsObject().Single().Key);
        var headers = decide["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["If-Match", "Idempotency-Key"], headers);
        Assert.NotNull(decide["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(decide["responses"]!["503"]!["headers"]!["Retry-After"]);

        var picture = document["paths"]!["/api/families/{familyId}/picture"]!["get"]!;
        var purpose = picture["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "X-Access-Purpose")!;
        Assert.Contains("statutory-reporting", purpose["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.NotNull(document["paths"]!["/api/deadlines"]!["get"]!["responses"]!["200"]!["headers"]!["Link"]);

        // The signed school message: its body, and the signature headers instead of a token.
        var message = document["paths"]!["/api/integrations/school-welfare/messages"]!["post"]!;
        Assert.NotNull(message["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.Equal(["X-Sender", "X-Signature"], // signed over the body; a status read also names its X-Timestamp
            message["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(["X-Sender", "X-Timestamp", "X-Signature"],
            document["paths"]!["/api/integrations/school-welfare/messages/{messageId}"]!["get"]!["parameters"]!.AsArray()
                .Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>()));
        Assert.All(message["parameters"]!.AsArray(), p => Assert.True(p!["required"]!.GetValue<bool>()));

        // The tags in the order of the work, each with what it is for.
        var tags = document["tags"]!.AsArray();
        Assert.Equal("Families", tags[0]!["name"]!.GetValue<string>());
        Assert.All(tags, t => Assert.False(string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>())));
    }
}
