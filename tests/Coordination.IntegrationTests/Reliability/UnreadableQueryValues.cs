using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>A query value that does not parse is refused, not replaced by a default the caller never asked for.</summary>
public sealed class UnreadableQueryValues(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Theory]
    [InlineData("/api/deadlines?days=abc")]
    [InlineData("/api/deadlines?days=99999999999999")]
    [InlineData("/api/audit/access-log?limit=ten")]
    [InlineData("/api/audit/access-log?afterId=1.5")]
    public async Task Is_a_400_problem(string url)
    {
        var caller = url.Contains("audit", StringComparison.Ordinal) ? Caller.Auditor() : Caller.SocialWorker();
        var problem = await (await host.ClientFor(caller).GetAsync(url)).Problem(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("System.", problem.ToJsonString(), StringComparison.Ordinal);
        SuiteFigures.HostileRequests(1, 1);
    }

    [Fact]
    public async Task The_same_routes_answer_with_well_formed_values()
    {
        await (await host.ClientFor(Caller.SocialWorker()).GetAsync("/api/deadlines?days=7")).Ok();
        await (await host.ClientFor(Caller.Auditor()).GetAsync("/api/audit/access-log?limit=10")).Ok();
    }
}
