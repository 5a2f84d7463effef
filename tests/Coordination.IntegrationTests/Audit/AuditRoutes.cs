using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Audit;

public sealed class AuditRoutes(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task an_access_report_names_who_used_and_received_a_persons_data_and_why()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("family-work");
        var familyWorker = Caller.FamilyWorker();
        await (await host.ClientFor(familyWorker).PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "general", "atl-64", invitation))).Ok(HttpStatusCode.Created);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/families/{path.FamilyId}/picture");
        request.Headers.Add("X-Access-Purpose", "service-need-assessment");
        await (await path.SocialWork.SendAsync(request)).Ok();
        var auditor = host.ClientFor(Caller.Auditor());

        var aino = path.ChildCodes[0]!;
        var report = await (await auditor.PostJson("/api/audit/access-reports", new { personId = aino })).Ok();

        Assert.True(report["familyCount"]!.GetValue<int>() >= 1);
        var entries = report["entries"]!.AsArray();
        Assert.Contains(entries, e => e!["professionalId"]!.GetValue<string>() == path.SocialWorker.Id
                                      && e["kind"]!.GetValue<string>() == "use" && e["purpose"]!.GetValue<string>() == "service-need-assessment");
        Assert.Contains(entries, e => e!["kind"]!.GetValue<string>() == "disclosure" && e["basis"]!.GetValue<string>() == "atl-64"
                                      && e["ownerAgency"]!.GetValue<string>() == "family-work");
        Assert.DoesNotContain(aino, report.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_person_with_no_data_gets_an_empty_report_not_an_error()
    {
        var report = await (await host.ClientFor(Caller.Auditor()).PostJson("/api/audit/access-reports", new { personId = "150625F555V" })).Ok();
        Assert.Equal(0, report["familyCount"]!.GetValue<int>());
        Assert.Empty(report["entries"]!.AsArray());
    }

    [Fact]
    public async Task the_access_log_filters_by_family_and_professional_for_auditors_only()
    {
        var worker = Caller.SocialWorker();
        var familyId = await host.ClientFor(worker).RegisterFamily();
        await (await host.ClientFor(worker).GetAsync($"/api/families/{familyId}/picture")).Ok();
        var auditor = host.ClientFor(Caller.Auditor());

        var byFamily = (await (await auditor.GetAsync($"/api/audit/access-log?familyId={familyId}")).Ok()).AsArray();
        var byWorker = (await (await auditor.GetAsync($"/api/audit/access-log?professionalId={worker.Id}")).Ok()).AsArray();
        var future = (await (await auditor.GetAsync($"/api/audit/access-log?familyId={familyId}&from=2100-01-01T00:00:00Z")).Ok()).AsArray();

        Assert.NotEmpty(byFamily);
        Assert.All(byFamily, e => Assert.Equal(familyId.ToString(), e!["familyId"]!.GetValue<string>()));
        Assert.All(byWorker, e => Assert.Equal(worker.Id, e!["professionalId"]!.GetValue<string>()));
        Assert.Contains(byWorker, e => e!["data"]!.GetValue<string>() == "situational-picture");
        Assert.Empty(future);

        await (await host.ClientFor(worker).GetAsync("/api/audit/access-log")).Problem(HttpStatusCode.Forbidden);
        await (await host.ClientFor(worker).PostJson("/api/audit/access-reports", new { personId = "010516B902W" })).Problem(HttpStatusCode.Forbidden);
        await (await auditor.GetAsync("/api/audit/access-log?familyId=not-a-guid")).Problem(HttpStatusCode.BadRequest);
        await (await auditor.GetAsync("/api/audit/access-log?limit=0")).Problem(HttpStatusCode.BadRequest);
        await (await auditor.PostJson("/api/audit/access-reports", new { personId = "010516B902X" })).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task the_audit_of_one_county_sees_nothing_of_another()
    {
        var worker = Caller.SocialWorker();
        var familyId = await host.ClientFor(worker).RegisterFamily();
        await (await host.ClientFor(worker).GetAsync($"/api/families/{familyId}/picture")).Ok();

        var foreign = host.ClientFor(Caller.Auditor(Orgs.Uusimaa));
        Assert.Empty((await (await foreign.GetAsync($"/api/audit/access-log?familyId={familyId}")).Ok()).AsArray());
        Assert.Equal(0, (await (await foreign.PostJson("/api/audit/access-reports", new { personId = "010516B902W" })).Ok())["familyCount"]!.GetValue<int>());
    }
}
