using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Marten;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Every route of the OpenAPI document, called by every kind of caller of the <see cref="RouteCatalogue"/>: nobody, the
/// family's own social worker, members of its team, colleagues of its organisation without a relationship, another
/// agency, the same person in another county, auditors of both counties, an admin, an integration client. Each answer
/// must be the one the rules give; no refusal may write anything. A route the catalogue does not know fails the test,
/// so a new route cannot go unchecked.
/// </summary>
public sealed class AuthorizationMatrix(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const int Allowed = RouteCatalogue.Allowed;

    [Fact(Timeout = 180000)]
    public async Task Every_route_answers_every_caller_as_the_rules_say_and_no_refusal_writes_anything()
    {
        var catalogue = await RouteCatalogue.BuildAsync(host);
        var (profiles, routes) = (catalogue.Profiles, catalogue.Routes);
        const string senders = "/api/integrations/school-welfare/senders";

        // The table covers every route the service serves under /api, and nothing it does not.
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var served = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .Where(r => r.Contains(" /api/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(served, routes.Select(r => $"{r.Method} {r.Template}").Order(StringComparer.Ordinal).ToList());

        var clients = profiles.ToDictionary(p => p.Name, p => p.Who is null ? host.CreateClient() : host.ClientFor(p.Who));
        var wrong = new List<string>();
        var cases = 0;

        // First every refusal, so no allowed call has changed what the refused ones see; nothing they send may be written.
        var before = (await host.EventCount(Orgs.Pirkanmaa), await host.EventCount(Orgs.Uusimaa));
        foreach (var route in routes)
        {
            foreach (var profile in profiles.Where(p => route.Expect(p.Name) != Allowed))
            {
                cases++;
                using var response = await route.SendAsync(clients[profile.Name], profile);
                var expected = route.Expect(profile.Name);
                var problem = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode != expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: {(int)response.StatusCode}, expected {expected} ({problem[..Math.Min(160, problem.Length)]})");
                }
                else if (expected == 404 && problem.Contains(catalogue.FamilyId.ToString(), StringComparison.Ordinal))
                {
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: the 404 names the family");
                }
            }
        }
        var afterRefusals = (await host.EventCount(Orgs.Pirkanmaa), await host.EventCount(Orgs.Uusimaa));
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases} refusals were not the rule's:\n" + string.Join("\n", wrong));
        if (afterRefusals != before)
        {
            await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
            var last = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Take(3).ToListAsync();
            Assert.Fail("refused calls wrote: " + string.Join(", ", last.Select(e => e.EventTypeName + " " + e.StreamId)));
        }
        var registered = (await (await clients["admin"].GetAsync(senders)).Ok()).AsArray().Count;

        // Then every allowed caller: not refused.
        foreach (var route in routes)
        {
            foreach (var profile in profiles.Where(p => route.Expect(p.Name) == Allowed))
            {
                cases++;
                using var response = await route.SendAsync(clients[profile.Name], profile);
                var status = (int)response.StatusCode;
                if (status is not (>= 200 and < 300 or 409))
                {
                    var problem = await response.Content.ReadAsStringAsync();
                    wrong.Add($"{route.Method} {route.Template} as {profile.Name}: {status}, expected to be allowed ({problem[..Math.Min(160, problem.Length)]})");
                }
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases} answers were not the rule's:\n" + string.Join("\n", wrong));
        Assert.Equal(1, registered); // only the admin's own registration, later in the allowed pass, adds a sender
        SuiteFigures.AuthorizationCasesChecked(cases);
        TestContext.Current.SendDiagnosticMessage($"authorization matrix: {routes.Count} routes x {profiles.Count} callers = {cases} cases");
    }
}
