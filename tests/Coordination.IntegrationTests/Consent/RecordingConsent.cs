using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Consent;

public sealed class RecordingConsent(ClockedHost host) : IClassFixture<ClockedHost>
{
    private static string Day(DateTimeOffset t, int days) =>
        t.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(StatutoryPath Path, Guid GuardianId)> Family()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).Registered(children: 1);
        var picture = await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
        return (path, Guid.Parse(picture["guardians"]![0]!["id"]!.GetValue<string>()));
    }

    private object AConsent(Guid givenBy, string[]? recipients = null, string[]? categories = null, int validDays = 30) => new
    {
        givenBy,
        recipients = recipients ?? ["child-psychiatry", "school-welfare"],
        dataCategories = categories ?? ["assessment-contributions", "psychiatric-entries"],
        purpose = "service-need-assessment",
        validUntil = Day(host.Clock.GetUtcNow(), validDays),
    };

    private static async Task<JsonArray> InForce(StatutoryPath path) =>
        (await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())["consentsInForce"]!.AsArray();

    [Fact]
    public async Task a_guardians_consent_is_a_fact_and_shows_in_force_until_it_is_withdrawn()
    {
        var (path, guardian) = await Family();

        var given = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", AConsent(guardian))).Ok(HttpStatusCode.Created);
        var consentId = given["consentId"]!.GetValue<string>();

        var inForce = Assert.Single(await InForce(path));
        Assert.Equal(consentId, inForce!["consentId"]!.GetValue<string>());
        Assert.Equal(["child-psychiatry", "school-welfare"], inForce["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal",
            new { withdrawnAt = StatutoryPath.Now(), reason = "The mother no longer agrees." })).Ok();

        Assert.Empty(await InForce(path));
        var types = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Select(e => e.Data.GetType().Name).TakeLast(2);
        Assert.Equal(["ConsentGiven", "ConsentWithdrawn"], types);
    }

    [Fact]
    public async Task an_expired_consent_counts_as_withdrawn()
    {
        var (path, guardian) = await Family();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", AConsent(guardian, validDays: 3))).Ok(HttpStatusCode.Created);
        Assert.Single(await InForce(path));

        host.Clock.Advance(TimeSpan.FromDays(5));
        try
        {
            Assert.Empty(await InForce(path));
        }
        finally
        {
            host.Clock.Reset();
        }
    }

    [Fact]
    public async Task a_child_under_twelve_cannot_consent_but_a_guardian_can()
    {
        var (path, _) = await Family();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        var problem = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", AConsent(path.ChildIds[0])))
            .Problem(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]!["givenBy"]);
        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }

    [Theory]
    [InlineData("recipients", "police")]
    [InlineData("recipients", "audit")]
    [InlineData("dataCategories", "bank-statements")]
    public async Task a_consent_for_an_unknown_recipient_or_category_is_400_and_writes_nothing(string field, string value)
    {
        var (path, guardian) = await Family();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;
        var body = field == "recipients" ? AConsent(guardian, recipients: [value]) : AConsent(guardian, categories: [value]);

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", body)).Problem(HttpStatusCode.BadRequest);

        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
    }

    [Fact]
    public async Task consent_given_by_someone_outside_the_family_is_400()
    {
        var (path, _) = await Family();
        var problem = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", AConsent(Guid.NewGuid())))
            .Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["givenBy"]);
    }

    [Fact]
    public async Task withdrawing_twice_is_409_and_withdrawing_another_familys_consent_is_404()
    {
        var (path, guardian) = await Family();
        var (other, otherGuardian) = await Family();
        var consentId = (await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", AConsent(guardian)))
            .Ok(HttpStatusCode.Created))["consentId"]!.GetValue<string>();
        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal", new { reason = "No." })).Ok();
        var before = (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count;

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consentId}/withdrawal", new { reason = "Again." }))
            .Problem(HttpStatusCode.Conflict);
        // The consent id exists, but in another family: as unknown as any.
        await (await other.SocialWork.PostJson($"/api/families/{other.FamilyId}/consents/{consentId}/withdrawal", new { reason = "x" }))
            .Problem(HttpStatusCode.NotFound);

        Assert.Equal(before, (await host.EventsOf(path.SocialWorker.Org, path.FamilyId)).Count);
        Assert.NotEqual(Guid.Empty, otherGuardian);
    }

    [Fact]
    public async Task a_consent_valid_until_a_past_day_is_400()
    {
        var (path, guardian) = await Family();
        var problem = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents",
            AConsent(guardian, validDays: -1))).Problem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["validUntil"]);
    }
}
