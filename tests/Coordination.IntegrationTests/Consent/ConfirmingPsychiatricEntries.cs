using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Consent;

public sealed class ConfirmingPsychiatricEntries(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private async Task<(StatutoryPath Path, string EntryId, string GeneralId)> FamilyWithAPsychiatricEntry(string basis = "atl-53-5")
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var invitation = await path.Invite("child-psychiatry");
        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        var entry = await (await psychiatrist.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "psychiatric-entry", basis, invitation))).Ok(HttpStatusCode.Created);
        var general = await (await psychiatrist.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
            StatutoryPath.Contribution(path.ChildIds, "general", basis, invitation))).Ok(HttpStatusCode.Created);
        return (path, entry["contributionId"]!.GetValue<string>(), general["contributionId"]!.GetValue<string>());
    }

    private static object Confirmation => new { purpose = "service-need-assessment", justification = "The assessment needs the diagnosis." };

    [Fact]
    public async Task after_confirming_the_social_worker_sees_the_entry_and_a_colleague_still_does_not()
    {
        var (path, entryId, _) = await FamilyWithAPsychiatricEntry();

        var confirmed = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{entryId}/confirmations",
            Confirmation)).Ok();

        Assert.Equal(entryId, confirmed["contribution"]!["contributionId"]!.GetValue<string>());
        Assert.NotNull(confirmed["contribution"]!["summary"]);
        Assert.Equal("atl-53-5", confirmed["sharedUnder"]!.GetValue<string>());
        var mine = (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["assessment"]!["contributions"]!
            .AsArray().Single(c => c!["contributionId"]!.GetValue<string>() == entryId)!;
        Assert.NotNull(mine["summary"]);

        var colleagueCaller = Caller.SocialWorker();
        var colleague = host.ClientFor(colleagueCaller);
        await path.InvitedByName(colleagueCaller); // gives the colleague a relationship
        var theirs = (await (await colleague.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["assessment"]!["contributions"]!
            .AsArray().Single(c => c!["contributionId"]!.GetValue<string>() == entryId)!;
        Assert.Equal("confirmation-required", theirs["reason"]!.GetValue<string>());

        var events = await host.EventsOf(path.SocialWorker.Org, path.FamilyId);
        var fact = Assert.IsType<Coordination.Consent.PsychiatricEntryConfirmed>(events.Single(e => e.Data is Coordination.Consent.PsychiatricEntryConfirmed).Data);
        Assert.Equal(path.SocialWorker.Id, fact.By.Id);
        Assert.Equal("The assessment needs the diagnosis.", fact.Justification);
    }

    [Fact]
    public async Task confirming_is_refused_with_403_where_nothing_lets_the_viewer_see_the_entry()
    {
        var (path, entryId, _) = await FamilyWithAPsychiatricEntry();
        await path.Invite("family-work");
        var familyWork = host.ClientFor(Caller.FamilyWorker());
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        await (await familyWork.PostJson($"/api/families/{path.FamilyId}/contributions/{entryId}/confirmations", Confirmation))
            .Problem(HttpStatusCode.Forbidden);

        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }

    [Fact]
    public async Task confirming_without_a_purpose_is_400_and_writes_nothing()
    {
        var (path, entryId, _) = await FamilyWithAPsychiatricEntry();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        var problem = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{entryId}/confirmations",
            new { justification = "Because." })).Problem(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["purpose"]);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }

    [Fact]
    public async Task a_contribution_that_is_not_a_psychiatric_entry_needs_no_confirmation_and_an_unknown_one_is_404()
    {
        var (path, _, generalId) = await FamilyWithAPsychiatricEntry();

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{generalId}/confirmations", Confirmation))
            .Problem(HttpStatusCode.Conflict);
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/contributions/{Guid.NewGuid()}/confirmations", Confirmation))
            .Problem(HttpStatusCode.NotFound);
    }
}
