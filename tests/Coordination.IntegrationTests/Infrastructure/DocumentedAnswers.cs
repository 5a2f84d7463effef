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
/// OpenAPI document (the operation exists, the status is among its responses) and a mismatch fails the test class. Bodies
/// are not validated against their schemas here (issue 17 still asks for that).
/// </summary>
public sealed class DocumentedAnswers : IStartupFilter
{
    private readonly ConcurrentDictionary<(string Method, string Template, int Status), int> _answers = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, call) =>
        {
            await call(context);
            if (context.GetEndpoint() is RouteEndpoint endpoint && endpoint.RoutePattern.RawText is { } raw)
            {
                var template = "/" + raw.TrimStart('/');
                if (template.StartsWith("/api/", StringComparison.Ordinal) || template.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    _answers.AddOrUpdate((context.Request.Method, template, context.Response.StatusCode), 1, (_, n) => n + 1);
                }
            }
        });
        next(app);
    };

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
        return [.. missing.Order(StringComparer.Ordinal)];
    }
}
