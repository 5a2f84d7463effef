using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Every kind of answer carries the security headers: successes, every refusal, the framework's own answers (unknown
/// route, wrong method, oversized or non-JSON body) and the 503 of a database that cannot serve, which the exception
/// handler writes after clearing the response. Answers under /api are never cached. No error body holds a stack trace.
/// </summary>
public sealed class SecurityHeaders(ImpatientHost host) : IClassFixture<ImpatientHost>
{
    [Fact(Timeout = 120000)]
    public async Task Every_answer_carries_the_security_headers_and_api_answers_are_not_cached()
    {
        var worker = Caller.SocialWorker();
        var client = host.ClientFor(worker);
        var familyId = await client.RegisterFamily();
        var children = $"/api/families/{familyId}/children";
        var child = new { name = "Vauva", birthDate = "2026-01-01" };

        var answers = new List<(string What, HttpStatusCode Expected, HttpResponseMessage Response)>
        {
            ("ready", HttpStatusCode.OK, await host.CreateClient().GetAsync("/health/ready")),
            ("openapi", HttpStatusCode.OK, await host.CreateClient().GetAsync("/openapi/v1.json")),
            ("picture", HttpStatusCode.OK, await client.GetAsync($"/api/families/{familyId}/picture")),
            ("write", HttpStatusCode.Created, await client.PostJson(children, child)),
            ("malformed JSON", HttpStatusCode.BadRequest, await client.PostJson(children, "{\"name\":")),
            ("no token", HttpStatusCode.Unauthorized, await host.CreateClient().GetAsync($"/api/families/{familyId}/picture")),
            ("auditor writing", HttpStatusCode.Forbidden, await host.ClientFor(Caller.Auditor()).PostJson("/api/families", Scenarios.AFamily())),
            ("no relationship", HttpStatusCode.NotFound, await host.ClientFor(Caller.SocialWorker()).GetAsync($"/api/families/{familyId}/picture")),
            ("unknown route", HttpStatusCode.NotFound, await client.GetAsync("/api/nothing-here")),
            ("wrong method", HttpStatusCode.MethodNotAllowed, await client.PutAsync(children, new StringContent("{}", Encoding.UTF8, "application/json"))),
            ("stale If-Match", HttpStatusCode.PreconditionFailed, await client.PostJson(children, child, r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"")))),
            ("not JSON", HttpStatusCode.UnsupportedMediaType, await client.PostAsync(children, new StringContent("name=x", Encoding.UTF8, "text/plain"))),
            ("oversized", HttpStatusCode.RequestEntityTooLarge, await client.PostJson(children, new { name = new string('a', 300 * 1024) })),
        };
        await using (var hold = await RecordChecks.HoldStreamAsync(host.Schema, familyId))
        {
            // lock_timeout is 200 ms on this host: the exception handler answers 503.
            answers.Add(("database busy", HttpStatusCode.ServiceUnavailable, await client.PostJson(children, child)));
        }

        foreach (var (what, expected, response) in answers)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(expected == response.StatusCode, $"{what}: {(int)response.StatusCode} {body[..Math.Min(160, body.Length)]}");
                Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{what}: no nosniff");
                Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", $"{what}: no Referrer-Policy");
                Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frames) && frames.Single() == "DENY", $"{what}: no X-Frame-Options");
                if (response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
                {
                    Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
                }
                if ((int)expected >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
                    Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
                }
            }
        }
        SuiteFigures.HostileRequests(answers.Count(a => (int)a.Expected >= 400), answers.Count(a => (int)a.Expected >= 400));
    }
}
