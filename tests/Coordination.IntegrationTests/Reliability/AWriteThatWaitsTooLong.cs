using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.IntegrationTests.SchoolWelfare;
using Npgsql;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>A write that cannot get its family's lock in time is told to retry (503, Retry-After) and writes nothing.</summary>
public sealed class AWriteThatWaitsTooLong(ImpatientHost host) : IClassFixture<ImpatientHost>
{
    [Fact(Timeout = 120000)]
    public async Task A_write_blocked_on_the_familys_lock_is_503_with_retry_after_and_nothing_written()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var before = await host.EventCount(Orgs.Pirkanmaa);
        await using var hold = await RecordChecks.HoldStreamAsync(host.Schema, path.FamilyId);

        var response = await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, legalBasis: "own-agency"));

        var problem = await response.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.NotEmpty(response.Headers.RetryAfter?.ToString() ?? "");
        Assert.DoesNotContain("Exception", problem.ToJsonString(), StringComparison.Ordinal);
        await hold.DisposeAsync();
        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
        SuiteFigures.FaultSurvived("a family's row held past lock_timeout");
    }
}
