using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Garbage sent to every write route the OpenAPI document lists, by a professional who may write the family it names:
/// no request may get a 500, every refusal is a problem body, and nothing is written.
/// </summary>
public sealed class HostileBodies(CoordinationHost host, ITestOutputHelper output) : IClassFixture<CoordinationHost>
{
    private static readonly string Huge = new('a', 200 * 1024);
    private static readonly string[] Injections =
    [
        "'; drop table mt_events; --", "\" OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "../../etc/passwd", "\u0000", "%00",
        "{{7*7}}", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "-1", "9999-12-31T23:59:59Z", "0001-01-01", "NaN",
    ];

    private static IEnumerable<(string What, byte[] Body)> Bodies()
    {
        yield return ("truncated", "{\"name\":"u8.ToArray());
        yield return ("array", "[]"u8.ToArray());
        yield return ("null", "null"u8.ToArray());
        yield return ("string", "\"x\""u8.ToArray());
        yield return ("number", "123"u8.ToArray());
        yield return ("empty object", "{}"u8.ToArray());
        yield return ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
        yield return ("deep objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)));
        yield return ("huge string", Encoding.UTF8.GetBytes($"{{\"name\":\"{Huge}\"}}"));
        yield return ("invalid UTF-8", [.. "{\"name\":\""u8, 0xff, 0xfe, 0xc3, .. "\"}"u8]);
        yield return ("duplicate keys", "{\"childIds\":[],\"childIds\":[]}"u8.ToArray());
        foreach (var field in new[] { "childIds", "name", "personId", "description", "receivedAt", "familyId", "teamId", "agency", "decision", "text", "secret", "senderId" })
        {
            foreach (var value in Injections)
            {
                yield return ($"{field}={value}", Encoding.UTF8.GetBytes(new JsonObject { [field] = value }.ToJsonString()));
            }
            yield return ($"{field}=wrong types", Encoding.UTF8.GetBytes($"{{\"{field}\":{{\"nested\":[1,true,null]}}}}"));
            yield return ($"{field}=null", Encoding.UTF8.GetBytes($"{{\"{field}\":null}}"));
            yield return ($"{field}=-1e308", Encoding.UTF8.GetBytes($"{{\"{field}\":-1e308}}"));
        }
    }

    [Fact(Timeout = 300000)]
    public async Task No_write_route_answers_garbage_with_a_500_or_writes_anything()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var admin = host.ClientFor(new Caller("adm-hostile", "Admin", Orgs.Pirkanmaa, "social-work", "admin", "caseworker", "consultant-social-worker", "coordinator"));
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var routes = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => (Method: m.Key.ToUpperInvariant(), Template: p.Key)))
            .Where(r => r.Method is "POST" or "DELETE" && r.Template.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 25, $"only {routes.Count} write routes found");
        var sent = 0;
        var failures = new List<string>();
        var accepted = new List<(string Template, string What, string Answer)>();
        var familyEvents = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;

        foreach (var (method, template) in routes)
        {
            var url = template.Replace("{familyId}", path.FamilyId.ToString(), StringComparison.Ordinal)
                .Replace("{assessmentId}", path.AssessmentId.ToString(), StringComparison.Ordinal)
                .Replace("{concernId}", path.ConcernId.ToString(), StringComparison.Ordinal);
            url = System.Text.RegularExpressions.Regex.Replace(url, "{[^}]+}", Guid.NewGuid().ToString());
            foreach (var client in new[] { path.SocialWork, admin })
            {
                foreach (var (what, body) in Bodies())
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await client.SendAsync(request);
                    sent++;
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    if (status < 400)
                    {
                        accepted.Add((template, what, text));
                    }
                    if (!response.IsSafeAnswer(text))
                    {
                        failures.Add($"{method} {template} [{what}] → {status}: {text[..Math.Min(200, text.Length)]}");
                    }
                }
            }
        }

        output.WriteLine($"hostile requests sent: {sent} to {routes.Count} write routes; answered wrongly: {failures.Count}; taken as data: {accepted.Count}");
        SuiteFigures.HostileRequests(sent, sent - failures.Count);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        // The one route whose whole body is a single free-text field (a team's name) takes injection strings as the data
        // they are: stored and returned verbatim. Nothing else was accepted, and the family's stream did not move.
        Assert.All(accepted, a => Assert.True(a.Template == "/api/teams" && a.What.StartsWith("name=", StringComparison.Ordinal),
            $"accepted garbage: {a.Template} [{a.What}]"));
        foreach (var (_, what, answer) in accepted)
        {
            var teamId = JsonNode.Parse(answer)!["teamId"]!.GetValue<string>();
            var team = await (await admin.GetAsync($"/api/teams/{teamId}")).Ok();
            Assert.Equal(what["name=".Length..], team["name"]!.GetValue<string>());
        }
        Assert.Equal(familyEvents, (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("'; drop table", StringComparison.Ordinal));
    }
}
