using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using Coordination.Benchmarks;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// The service in its own process on loopback, told that 127.0.0.1 is its reverse proxy, with a small rate limit:
/// unauthenticated callers (school systems) behind the proxy each get a bucket of their own by the address the proxy
/// forwarded, and a caller cannot escape its bucket by writing addresses of its own before the proxy's hop.
/// </summary>
public sealed class BehindAProxy
{
    [Fact(Timeout = 180000)]
    public async Task Callers_behind_a_known_proxy_are_limited_by_their_forwarded_address_and_cannot_spoof_another()
    {
        var connectionString = await PostgresServer.ConnectionString;
        await using var service = await ServiceUnderTest.StartAsync(connectionString, "t_proxy_" + Guid.NewGuid().ToString("N")[..8],
            RandomNumberGenerator.GetBytes(32), settings: new Dictionary<string, string>
            {
                ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
                ["RateLimiting__Burst"] = "3",
                ["RateLimiting__PerSecond"] = "1",
            });
        using var client = new HttpClient { BaseAddress = service.Address };

        async Task<HttpStatusCode> Send(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/school-welfare/messages") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Sender", "school-behind-proxy");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        // The first school spends its burst (an unsigned message is a 401, and counts).
        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            first.Add(await Send("10.0.0.1"));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, first[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        // Another school behind the same proxy has a bucket of its own.
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("10.0.0.2"));
        // The first school writing another address before the proxy's hop is still the first school.
        Assert.Equal(HttpStatusCode.TooManyRequests, await Send("9.9.9.9, 10.0.0.1"));
        SuiteFigures.HostileRequests(1, 1);
    }
}
