using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Microsoft.AspNetCore.Hosting;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>The service with the production shape of limit, made small: a burst of 5, one more a second.</summary>
public sealed class TightlyLimitedHost : CoordinationHost
{
    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        builder.UseSetting("RateLimiting:Burst", "5");
        builder.UseSetting("RateLimiting:PerSecond", "1");
    }
}

public sealed class RateLimitedCallers(TightlyLimitedHost host) : IClassFixture<TightlyLimitedHost>
{
    [Fact]
    public async Task A_caller_over_its_limit_gets_429_with_retry_after_and_other_callers_do_not()
    {
        var greedy = host.ClientFor(Caller.SocialWorker());
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await greedy.GetAsync("/api/deadlines"));
        }

        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.OK) is >= 5 and <= 6);
        var limited = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        var problem = await limited.Problem(HttpStatusCode.TooManyRequests);
        Assert.Equal("https://coordination.example/problems/rate-limited", problem["type"]!.GetValue<string>());
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Another professional, and a school system, have buckets of their own; health checks are never limited.
        await (await host.ClientFor(Caller.SocialWorker()).GetAsync("/api/deadlines")).Ok();
        var school = new Coordination.SchoolSender.SchoolWelfareSender(host.CreateClient(), "no-such-sender", SchoolSystem.NewSecret());
        await (await school.SendAsync("{}"u8.ToArray())).Problem(HttpStatusCode.Unauthorized);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/health/live")).StatusCode);
        }

        // The bucket refills: after the wait it named, the greedy caller is served again.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await (await greedy.GetAsync("/api/deadlines")).Ok();
        var over = answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        SuiteFigures.HostileRequests(over, over);
    }

}

/// <summary>Unauthenticated callers (school systems) by the connection alone, on a host of their own so no other test spends their bucket.</summary>
public sealed class AnonymousCallersByAddress(TightlyLimitedHost host) : IClassFixture<TightlyLimitedHost>
{
    [Fact]
    public async Task Neither_a_claimed_sender_nor_an_X_Forwarded_For_header_buys_a_bucket_of_its_own()
    {
        // Anyone can write X-Sender and X-Forwarded-For: the bucket comes from a verified identity or the connection only.
        // (Unless the deployment names its proxies: then the proxy's forwarded address is the connection, BehindAProxy.)
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/school-welfare/messages") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Sender", $"spoofing-school-{i}");
            request.Headers.Add("X-Forwarded-For", $"10.0.0.{i + 1}");
            using var response = await host.CreateClient().SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        SuiteFigures.HostileRequests(statuses.Count, statuses.Count);
    }
}
