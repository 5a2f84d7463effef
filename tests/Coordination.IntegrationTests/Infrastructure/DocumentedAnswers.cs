using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// Issue 17: every answer the suite gets is one its operation documents. The test host records, for each request that
/// reached an endpoint, the route template, method and status; when the host is disposed they are checked against its own
/// OpenAPI document (the operation exists, the status is among its responses, and a few bodies of each validate against
/// the schema it documents for that status and media type) and a mismatch fails the test class.
/// </summary>
public sealed class DocumentedAnswers : IStartupFilter
{
    /// <summary>How many bodies of each (operation, status) are kept to validate against their schema.</summary>
    private const int SamplesPerAnswer = 5;

    private const int MaxBodyBytes = 256 * 1024;

    private readonly ConcurrentDictionary<(string Method, string Template, int Status), int> _answers = new();
    private readonly ConcurrentDictionary<(string Method, string Template, int Status), ConcurrentQueue<(string MediaType, string Body)>> _bodies = new();

    /// <summary>The answer headers a client acts on: each one an answer carries must be documented for its operation and status.</summary>
    private static readonly string[] AnswerHeaders = ["ETag", "Link", "Location", "Retry-After"];

    private readonly ConcurrentDictionary<(string Method, string Template, int Status, string Header), int> _headers = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, call) =>
        {
            var original = context.Response.Body;
            await using var copy = new MemoryStream();
            context.Response.Body = copy;
            try
            {
                await call(context);
            }
            finally
            {
                context.Response.Body = original;
                copy.Position = 0;
                await copy.CopyToAsync(original);
            }
            if (context.GetEndpoint() is RouteEndpoint endpoint && endpoint.RoutePattern.RawText is { } raw)
            {
                var template = "/" + raw.TrimStart('/');
                if (template.StartsWith("/api/", StringComparison.Ordinal) || template.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    var key = (context.Request.Method, template, context.Response.StatusCode);
                    _answers.AddOrUpdate(key, 1, (_, n) => n + 1);
                    foreach (var header in AnswerHeaders.Where(h => context.Response.Headers.ContainsKey(h)))
                    {
                        _headers.AddOrUpdate((key.Method, template, key.StatusCode, header), 1, (_, n) => n + 1);
                    }
                    var mediaType = (context.Response.ContentType ?? "").Split(';')[0].Trim();
                    if (mediaType is "application/json" or "application/problem+json" && copy.Length is > 0 and <= MaxBodyBytes)
                    {
                        var samples = _bodies.GetOrAdd(key, _ => new());
                        if (samples.Count < SamplesPerAnswer)
                        {
                            samples.Enqueue((mediaType, System.Text.Encoding.UTF8.GetString(copy.ToArray())));
                        }
                    }
                }
            }
        });
        next(app);
    };

    /// <summary>The kept bodies that do not validate against the schema their operation documents for that status.</summary>
    public IReadOnlyList<string> Invalid(JsonNode document, out int checkedCount)
    {
        var paths = document["paths"]!.AsObject();
        var definitions = document["components"]?["schemas"]?.ToJsonString() ?? "{}";
        definitions = definitions.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var invalid = new List<string>();
        checkedCount = 0;
        foreach (var ((method, template, status), samples) in _bodies)
        {
            var response = paths[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            foreach (var (mediaType, body) in samples)
            {
                var schemaNode = response?["content"]?[mediaType]?["schema"];
                if (schemaNode is null)
                {
                    continue; // an undocumented answer, counted by Undocumented
                }
                // The operation's schema with the document's component schemas beside it as $defs, its refs pointed at them.
                var schemaObject = JsonNode.Parse(schemaNode.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
                schemaObject["$defs"] = JsonNode.Parse(definitions);
                var schema = Json.Schema.JsonSchema.FromText(schemaObject.ToJsonString(), baseUri: new Uri($"urn:coordination:answer:{Guid.NewGuid():N}"));
                using var parsed = System.Text.Json.JsonDocument.Parse(body);
                checkedCount++;
                var result = schema.Evaluate(parsed.RootElement, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.Hierarchical });
                if (!result.IsValid)
                {
                    invalid.Add($"{method} {template} -> {status}: the body does not match its schema ({string.Join("; ", Causes(result).Distinct().Take(5))})");
                }
            }
        }
        return [.. invalid.Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The failing leaves under failing nodes: why a body does not match (a nullable's null branch left out).</summary>
    private static IEnumerable<string> Causes(Json.Schema.EvaluationResults result)
    {
        if (result.IsValid)
        {
            yield break;
        }
        var children = result.Details ?? [];
        foreach (var error in result.Errors ?? new Dictionary<string, string>())
        {
            if (!error.Value.EndsWith("should be \"null\"", StringComparison.Ordinal) && !(error.Key == "oneOf" && error.Value.Contains("found 0", StringComparison.Ordinal)))
            {
                yield return $"{result.InstanceLocation} ({error.Key}): {error.Value}";
            }
        }
        foreach (var cause in children.SelectMany(Causes))
        {
            yield return cause;
        }
    }

    /// <summary>The answers that the document does not describe, as "METHOD /template -> status (n times)".</summary>
    public IReadOnlyList<string> Undocumented(JsonNode document, out int checkedCount)
    {
        var paths = document["paths"]!.AsObject();
        var missing = new List<string>();
        checkedCount = 0;
        foreach (var ((method, template, status), count) in _answers)
        {
            checkedCount += count;
            var operation = paths[template]?[method.ToLowerInvariant()];
            if (operation is null)
            {
                missing.Add($"{method} {template}: no such operation in the document ({count} answers)");
            }
            else if (operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is null)
            {
                missing.Add($"{method} {template} -> {status}: not among its documented responses ({count} answers)");
            }
        }
        foreach (var ((method, template, status, header), count) in _headers)
        {
            var response = paths[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            if (response is not null && response["headers"]?[header] is null)
            {
                missing.Add($"{method} {template} -> {status}: answers a {header} header its document does not describe ({count} answers)");
            }
        }
        return [.. missing.Order(StringComparer.Ordinal)];
    }
}
