using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Api;

/// <summary>
/// Issue 17: the README's walkthrough is the document's examples, and it works. Its bash block is read line by line (the
/// few forms it uses: a token, a post whose answer gives an id through jq, a plain post, a GET) and run against the real
/// service in that order; every body it sends is compared with the example the document gives for that request.
/// </summary>
public sealed partial class TheWalkthrough(ClockedHost host) : IClassFixture<ClockedHost>
{
    /// <summary>Placeholders written as they are ("&lt;CHILD&gt;"), not escaped.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Step(string Line, string? Variable, string? Token, string? Who, string Method, string Path, JsonNode? Body, string? Pick,
        string? AnswerVariable);

    [Fact]
    public async Task the_readme_walkthrough_runs_against_the_service_with_the_documents_examples()
    {
        var steps = ReadmeSteps();
        Assert.True(steps.Count >= 10, $"found {steps.Count} steps in the README's walkthrough");
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;

        // Every example the document gives is a body the walkthrough sends (its ids aside), to the operation it is for.
        var examples = Examples(document).ToList();
        Assert.True(examples.Count >= 8, $"{examples.Count} request examples in the document");
        var definitions = (document["components"]!["schemas"]!.ToJsonString()).Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        foreach (var (operation, example) in examples)
        {
            // The example is a body its own schema accepts (required members, types, enums).
            var reference = document["paths"]![operation.Split(' ')[1]]![operation.Split(' ')[0].ToLowerInvariant()]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
            var schemaObject = JsonNode.Parse(reference.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
            schemaObject["$defs"] = JsonNode.Parse(definitions);
            var schema = Json.Schema.JsonSchema.FromText(schemaObject.ToJsonString(), baseUri: new Uri($"urn:coordination:example:{Guid.NewGuid():N}"));
            using (var parsed = System.Text.Json.JsonDocument.Parse(example.ToJsonString()))
            {
                Assert.True(schema.Evaluate(parsed.RootElement).IsValid, $"{operation}: its example does not match its own schema");
            }

            var sent = steps.Where(s => s.Body is not null && Matches(operation, s)).Select(s => Normalised(s.Body!)).ToList();
            Assert.True(sent.Any(b => JsonNode.DeepEquals(b, Normalised(example))),
                $"{operation}: the README sends {(sent.Count == 0 ? "nothing" : string.Join(" or ", sent.Select(b => b.ToJsonString())))}, "
                + $"the document's example is {example.ToJsonString()}");
        }

        // Run it: the times of the walkthrough are of 1 Dec 2026, so the service's clock reads that evening.
        host.Clock.SetTo(DateTimeOffset.Parse("2026-12-01T17:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var clients = new Dictionary<string, HttpClient>();
            var variables = new Dictionary<string, string>();
            var answers = new Dictionary<string, JsonNode>();
            foreach (var step in steps)
            {
                if (step.Token is not null)
                {
                    var claims = JsonNode.Parse(step.Token)!;
                    clients[step.Variable!] = host.ClientFor(new Caller(claims["sub"]!.GetValue<string>(), claims["name"]!.GetValue<string>(),
                        claims["org"]!.GetValue<string>(), claims["agency"]!.GetValue<string>(),
                        [.. claims["roles"]!.AsArray().Select(r => r!.GetValue<string>())]));
                    continue;
                }
                if (step.AnswerVariable is not null)
                {
                    variables[step.Variable!] = Pick(answers[step.AnswerVariable], step.Pick!);
                    continue;
                }
                var path = Substitute(step.Path, variables);
                var body = step.Body is null ? null : Substitute(step.Body.ToJsonString(Plain), variables);
                var client = clients[step.Who!];
                var response = step.Method == "GET" ? await client.GetAsync(path) : await client.PostJson(path, body!);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{step.Line}\n-> {(int)response.StatusCode}: {text}");
                var answer = JsonNode.Parse(text)!;
                if (step.Variable is not null && step.Pick is not null)
                {
                    variables[step.Variable] = Pick(answer, step.Pick);
                }
                else if (step.Variable is not null)
                {
                    answers[step.Variable] = answer;
                }
            }

            // Where it ends: the assessment concluded, family work's contribution in social work's picture.
            var picture = await (await clients["SW"].GetAsync($"/api/families/{variables["FAMILY"]}/picture")).Ok();
            var past = Assert.Single(picture["pastAssessments"]!.AsArray())!;
            Assert.Equal("concluded", past["status"]!.GetValue<string>());
            Assert.Contains(past["contributions"]!.AsArray(), c => c!["summary"]?.GetValue<string>() == "Seen twice at home; the mother is exhausted.");
        }
        finally
        {
            host.Clock.Reset();
        }
    }

    private static bool Matches(string operation, Step step)
    {
        var (method, template) = (operation.Split(' ')[0], operation.Split(' ')[1]);
        var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{\w+}", "[^/]+") + "$";
        var path = Regex.Replace(step.Path, @"\$\w+", "x");
        return step.Method == method && Regex.IsMatch(path, pattern);
    }

    /// <summary>Ids (the example's uuids, the README's shell variables) read alike.</summary>
    private static JsonNode Normalised(JsonNode body) =>
        JsonNode.Parse(Uuid().Replace(Placeholder().Replace(body.ToJsonString(Plain), "<id>"), "<id>"))!;

    private static string Substitute(string text, Dictionary<string, string> variables) =>
        Regex.Replace(text, @"\$(\w+)|<(\w+)>", m => variables.TryGetValue(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, out var v) ? v : m.Value);

    private static string Pick(JsonNode answer, string jq)
    {
        JsonNode? node = answer;
        foreach (Match part in Regex.Matches(jq.Trim('\''), @"\.(\w+)|\[(\d+)\]"))
        {
            node = part.Groups[1].Success ? node?[part.Groups[1].Value] : node?[int.Parse(part.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)];
        }
        return node?.GetValue<string>() ?? throw new InvalidOperationException($"{jq} found nothing in {answer.ToJsonString()}");
    }

    /// <summary>(operation, example) for every request body whose schema the document gives an example.</summary>
    private static IEnumerable<(string Operation, JsonNode Example)> Examples(JsonNode document)
    {
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var reference = operation!["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (reference is not null && schemas[reference.Split('/')[^1]]?["examples"]?[0] is { } example && !path.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    yield return ($"{method.ToUpperInvariant()} {path}", example);
                }
            }
        }
    }

    /// <summary>The steps of the README's walkthrough block, in order.</summary>
    private static List<Step> ReadmeSteps()
    {
        var root = SuiteReport.RepositoryRoot() ?? throw new InvalidOperationException("No repository root: the README is not here.");
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("A walkthrough", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no walkthrough.");
        var block = readme[readme.IndexOf("```bash", start, StringComparison.Ordinal)..];
        block = block[7..block.IndexOf("\n```", 7, StringComparison.Ordinal)];
        var steps = new List<Step>();
        foreach (var raw in block.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("api=", StringComparison.Ordinal) || line.Contains("() {", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var command in CommandSeparator().Split(line))
            {
                steps.Add(Parse(command));
            }
        }
        return steps;
    }

    private static Step Parse(string command)
    {
        if (TokenLine().Match(command) is { Success: true } token)
        {
            return new Step(command, token.Groups["var"].Value, token.Groups["json"].Value, null, "POST", "/dev/tokens", null, null, null);
        }
        if (EchoLine().Match(command) is { Success: true } echo)
        {
            return new Step(command, echo.Groups["var"].Value, null, null, "", "", null, echo.Groups["jq"].Value, echo.Groups["answer"].Value);
        }
        if (PostLine().Match(command) is { Success: true } post)
        {
            var body = JsonNode.Parse(ShellVariable().Replace(post.Groups["json"].Value, "<$1>"));
            return new Step(command, post.Groups["var"].Success ? post.Groups["var"].Value : null, null, post.Groups["who"].Value, "POST",
                post.Groups["path"].Value, body, post.Groups["jq"].Success ? post.Groups["jq"].Value : null, null);
        }
        if (GetLine().Match(command) is { Success: true } get)
        {
            return new Step(command, null, null, get.Groups["who"].Value, "GET", get.Groups["path"].Value, null, null, null);
        }
        throw new InvalidOperationException($"The walkthrough has a line this test does not read: {command}");
    }

    [GeneratedRegex(@"^(?<var>\w+)=\$\(token '(?<json>[^']*)'\)$")]
    private static partial Regex TokenLine();

    [GeneratedRegex(@"^(?<var>\w+)=\$\(echo ""\$(?<answer>\w+)"" \| jq -r (?<jq>\S+)\)$")]
    private static partial Regex EchoLine();

    [GeneratedRegex(@"^(?:(?<var>\w+)=\$\()?post \$(?<who>\w+) (?<path>\S+) '(?<json>.*)'(?: \| jq -r (?<jq>\S+))?\)?$")]
    private static partial Regex PostLine();

    [GeneratedRegex(@"^curl -s \$api(?<path>\S+) -H ""authorization: Bearer \$(?<who>\w+)""$")]
    private static partial Regex GetLine();

    /// <summary>"; " between two commands of a line, not inside a body.</summary>
    [GeneratedRegex(@";\s+(?=\w+=\$\()")]
    private static partial Regex CommandSeparator();

    [GeneratedRegex(@"'\$(\w+)'")]
    private static partial Regex ShellVariable();

    [GeneratedRegex(@"<\w+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
