using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Marten;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Hostile values in every field of an otherwise valid request to every write route of the <see cref="RouteCatalogue"/>,
/// sent by a caller allowed to write there, one field at a time: injection strings, empty and 100 KB strings, control and
/// bidi characters, a lone surrogate, negative, far-future and impossible dates, wrong types, nulls, huge numbers, empty
/// and 10,000-element arrays, unknown and empty ids. And hostile query values on every read route. No answer may be a
/// 5xx, every refusal is a problem body without a stack trace, and a refusal writes nothing. A value taken (a free-text
/// field takes an injection string as the text it is) is returned verbatim.
/// </summary>
public sealed class HostileFieldValues(CoordinationHost host, ITestOutputHelper output) : IClassFixture<CoordinationHost>
{
    private const string Slot = "__hostile_value__";

    /// <summary>Raw JSON fragments, so that what a serializer would refuse to write (a lone surrogate, 1e400) is sent too.</summary>
    private static IEnumerable<(string What, string Json)> ValuesFor(JsonNode? valid)
    {
        foreach (var text in new[]
        {
            "'; drop table mt_events; --", "\" OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{7*7}}", "../../etc/passwd",
            "", "   ", "\u202Egnp.exe", "\u0000\u001f", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
            "9999-12-31", "0001-01-01", "2026-02-30", "2026-11-23T25:61:00Z", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z",
            "00000000-0000-0000-0000-000000000000", Guid.NewGuid().ToString(),
        })
        {
            yield return ($"\"{Short(text)}\"", JsonValue.Create(text).ToJsonString());
        }
        yield return ("100 KB string", $"\"{new string('a', 100 * 1024)}\"");
        yield return ("lone surrogate", "\"\\ud800\"");
        yield return ("negative year", "\"-0001-01-01\"");
        yield return ("year 275760", "\"+275760-09-13T00:00:00Z\"");
        yield return ("null", "null");
        yield return ("true", "true");
        yield return ("-1", "-1");
        yield return ("1e400", "1e400");
        yield return ("2^63", "9223372036854775808");
        yield return ("object", "{\"a\":[1,{}]}");
        yield return ("empty array", "[]");
        if (valid is JsonArray { Count: > 0 } array)
        {
            var one = array[0]!.ToJsonString();
            yield return ("10,000 elements", "[" + string.Join(',', Enumerable.Repeat(one, 10_000)) + "]");
            yield return ("[null]", "[null]");
        }
    }

    /// <summary>For a 500, the exception the service logged for it, so the failure says what to mend.</summary>
    private string Cause(int status) => status < 500 ? "" : "\n    logged: " + string.Join(" | ", host.Logs.Lines.Reverse()
        .FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal))?.Split('\n').Take(3) ?? []);

    /// <summary>
    /// What is wrong with an answer to a hostile request, if anything: a 5xx, a refusal without a problem body, a stack
    /// trace, or (when <paramref name="before"/> is given) a refusal that wrote a fact.
    /// </summary>
    private async Task<string?> FaultAsync(HttpResponseMessage response, string org, long? before)
    {
        var answer = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (!response.IsSafeAnswer(answer))
        {
            return $"{status} {answer[..Math.Min(200, answer.Length)]}{Cause(status)}";
        }
        return status >= 400 && before is { } sequence && await WrittenSinceAsync(org, sequence) is { Count: > 0 } written
            ? $"refused with {status} but {string.Join(", ", written)} was written"
            : null;
    }

    private async Task<long> LastSequenceAsync(string org)
    {
        await using var session = host.Store.QuerySession(org);
        return await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstOrDefaultAsync();
    }

    /// <summary>
    /// Facts written since <paramref name="sequence"/> by anyone but the service itself: a deadline check that falls due
    /// meanwhile (an accepted decision dated far back makes one due at once) records its finding on its own.
    /// </summary>
    private async Task<List<string>> WrittenSinceAsync(string org, long sequence)
    {
        await using var session = host.Store.QuerySession(org);
        var types = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > sequence).Select(e => e.EventTypeName).ToListAsync();
        return types.Where(t => t is not ("tombstone" or "deadline_missed")).ToList();
    }

    private static string Short(string text) => text.Length > 24 ? text[..24] : text;

    /// <summary>Every path to a value in the body: each property, each array, each array's first element.</summary>
    private static IEnumerable<(string Path, JsonNode? Value, Action<JsonNode?> Replace)> Slots(JsonNode node, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    var at = path.Length == 0 ? name : $"{path}.{name}";
                    yield return (at, value, v => obj[name] = v);
                    if (value is JsonObject or JsonArray)
                    {
                        foreach (var inner in Slots(value, at))
                        {
                            yield return inner;
                        }
                    }
                }
                break;
            case JsonArray { Count: > 0 } array:
                yield return ($"{path}[0]", array[0], v => array[0] = v);
                if (array[0] is JsonObject or JsonArray)
                {
                    foreach (var inner in Slots(array[0]!, $"{path}[0]"))
                    {
                        yield return inner;
                    }
                }
                break;
        }
    }

    [Fact(Timeout = 300000)]
    public async Task No_hostile_value_in_a_valid_body_or_query_is_a_5xx_and_no_refusal_writes_anything()
    {
        var catalogue = await RouteCatalogue.BuildAsync(host);
        var sent = 0;
        var wrong = new List<string>();
        var taken = new List<string>();

        foreach (var route in catalogue.Routes.Where(r => r.Method == "POST" && r.Body() is not null && catalogue.AllowedCallerOrNull(r) is not null))
        {
            var caller = catalogue.AllowedCaller(route);
            using var client = host.ClientFor(caller.Who!);
            var template = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(route.Body(), HttpExtensions.Web))!;
            foreach (var (path, value, _) in Slots(template))
            {
                foreach (var (what, json) in ValuesFor(value))
                {
                    var body = template.DeepClone();
                    Slots(body).First(s => s.Path == path).Replace(Slot);
                    var text = body.ToJsonString().Replace($"\"{Slot}\"", json, StringComparison.Ordinal);
                    var before = await LastSequenceAsync(caller.Who!.Org);
                    using var response = await client.PostJson(route.Url(caller), text);
                    sent++;
                    var status = (int)response.StatusCode;
                    var where = $"{route.Template} {path}={what} as {caller.Name}";
                    if (await FaultAsync(response, caller.Who.Org, before) is { } fault)
                    {
                        wrong.Add($"{where}: {fault}");
                    }
                    else if (status < 300)
                    {
                        taken.Add(where);
                        // A time when something happened, or a birth date, is never year 1, a negative year or beyond
                        // now; and no list takes 10,000 elements.
                        var moment = path.EndsWith("At", StringComparison.Ordinal) || path.EndsWith("birthDate", StringComparison.Ordinal);
                        if ((moment && (what.Contains("0001-01-01", StringComparison.Ordinal) || what.Contains("9999", StringComparison.Ordinal)
                                        || what is "negative year" or "year 275760"))
                            || what == "10,000 elements")
                        {
                            wrong.Add($"{where}: taken ({status})");
                        }
                    }
                }
            }
        }

        var queries = 0;
        foreach (var route in catalogue.Routes.Where(r => r.Method == "GET" && catalogue.AllowedCallerOrNull(r) is not null))
        {
            var caller = catalogue.AllowedCaller(route);
            using var client = host.ClientFor(caller.Who!);
            var url = route.Url(caller);
            foreach (var name in new[] { "asOf", "knownAt", "days", "state", "limit", "afterId", "familyId", "professionalId", "from", "to", "status", "senderId", "kind" })
            {
                foreach (var value in new[] { "'; drop table mt_events; --", "<script>", "-1", "99999999999999999999", "9999-12-31T23:59:59Z", "-0001-01-01", "", "%00", "%ZZ", new string('9', 5000) })
                {
                    var hostile = $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{name}={Uri.EscapeDataString(value)}";
                    using var response = await client.GetAsync(hostile.Replace("%25ZZ", "%ZZ", StringComparison.Ordinal).Replace("%2500", "%00", StringComparison.Ordinal));
                    queries++;
                    if (await FaultAsync(response, caller.Who!.Org, before: null) is { } fault)
                    {
                        wrong.Add($"GET {route.Template}?{name}={Short(value)} as {caller.Name}: {fault}");
                    }
                }
            }
        }

        // Hostile ids in the path of every route: the empty id, injection strings, a traversal, 2,000 characters. (A NUL in
        // the path never reaches the service: Kestrel refuses the request line, and the test server cannot even send it.)
        var paths = 0;
        foreach (var route in catalogue.Routes.Where(r => r.Template.Contains('{', StringComparison.Ordinal) && catalogue.AllowedCallerOrNull(r) is not null))
        {
            var caller = catalogue.AllowedCaller(route);
            using var client = host.ClientFor(caller.Who!);
            var real = route.Url(caller).Split('?');
            var segments = real[0].Split('/');
            var template = route.Template.Split('/');
            for (var i = 0; i < template.Length; i++)
            {
                if (!template[i].StartsWith('{'))
                {
                    continue;
                }
                foreach (var value in new[] { Guid.Empty.ToString(), "'%20OR%201=1--", "%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", new string('a', 2000), "-1" })
                {
                    var hostile = string.Join('/', segments.Select((s, at) => at == i ? value : s)) + (real.Length > 1 ? "?" + real[1] : "");
                    var before = await LastSequenceAsync(caller.Who!.Org);
                    using var response = await route.SendAsync(client, caller, url: hostile);
                    paths++;
                    if (await FaultAsync(response, caller.Who.Org, before) is { } fault)
                    {
                        wrong.Add($"{route.Method} {route.Template} with {template[i]}={Short(value)} as {caller.Name}: {fault}");
                    }
                }
            }
        }

        SuiteFigures.HostileRequests(sent + queries + paths, sent + queries + paths - wrong.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hostile field values: {sent} bodies, {queries} queries, {paths} paths, {wrong.Count} answered wrongly, {taken.Count} taken as data"));
        foreach (var t in taken)
        {
            output.WriteLine("taken: " + t);
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers:\n" + string.Join("\n", wrong.Take(40)));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("drop table", StringComparison.Ordinal));
    }
}
