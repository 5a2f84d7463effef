using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Consent;

/// <summary>
/// docs/sharing.md through the real picture: child psychiatry records one contribution of every category under every legal
/// basis; four agencies look, before any consent, under a consent, after its withdrawal and after a consent's expiry.
/// Expectations are written out by hand: S shown, C confirmation-required, N no-consent.
/// </summary>
public sealed class SharingMatrix(ClockedHost host) : IClassFixture<ClockedHost>
{
    private static readonly string[] Categories = ["general", "psychiatric-entry", "medication-and-risk"];
    private static readonly string[] Bases = ["atl-53-5", "atl-56", "atl-64", "consent", "own-agency"];

    // Rows: categories in the order above. Columns: bases in the order above.
    private static readonly Dictionary<string, string[]> WithoutConsent = new()
    {
        ["child-psychiatry"] = ["SSSSS", "SSSSS", "SSSSS"],
        ["social-work"] = ["SSSNN", "CCCNN", "SSSNN"],
        ["school-welfare"] = ["NSNNN", "NCNNN", "NSNNN"],
        ["family-work"] = ["NSNNN", "NCNNN", "NSNNN"],
    };

    // A guardian consents to school welfare seeing assessment contributions and medication and risk, not psychiatric entries.
    private static readonly Dictionary<string, string[]> WithSchoolConsent = new()
    {
        ["child-psychiatry"] = ["SSSSS", "SSSSS", "SSSSS"],
        ["social-work"] = ["SSSNN", "CCCNN", "SSSNN"],
        ["school-welfare"] = ["SSSSS", "NCNNN", "SSSSS"],
        ["family-work"] = ["NSNNN", "NCNNN", "NSNNN"],
    };

    // A consent to family work covering psychiatric entries: they come behind the gate, never silently.
    private static readonly Dictionary<string, string[]> WithFamilyWorkPsychiatricConsent = new()
    {
        ["child-psychiatry"] = ["SSSSS", "SSSSS", "SSSSS"],
        ["social-work"] = ["SSSNN", "CCCNN", "SSSNN"],
        ["school-welfare"] = ["NSNNN", "NCNNN", "NSNNN"],
        ["family-work"] = ["NSNNN", "CCCCC", "NSNNN"],
    };

    [Fact]
    public async Task what_each_agency_sees_follows_the_owner_category_basis_and_the_consents_in_force()
    {
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var guardian = Guid.Parse((await (await path.SocialWork.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok())
            ["guardians"]![0]!["id"]!.GetValue<string>());
        var psychiatryInvitation = await path.Invite("child-psychiatry");
        await path.Invite("school-welfare");
        await path.Invite("family-work");

        var psychiatrist = host.ClientFor(Caller.Psychiatrist());
        var ids = new Dictionary<(string, string), string>();
        foreach (var category in Categories)
        {
            foreach (var basis in Bases)
            {
                var body = await (await psychiatrist.PostJson($"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions",
                    StatutoryPath.Contribution(path.ChildIds, category, basis, psychiatryInvitation))).Ok(HttpStatusCode.Created);
                ids[(category, basis)] = body["contributionId"]!.GetValue<string>();
            }
        }
        var viewers = new Dictionary<string, HttpClient>
        {
            ["child-psychiatry"] = host.ClientFor(Caller.Psychiatrist()),
            ["social-work"] = path.SocialWork,
            ["school-welfare"] = host.ClientFor(Caller.Kuraattori()),
            ["family-work"] = host.ClientFor(Caller.FamilyWorker()),
        };

        await Expect(path, viewers, ids, WithoutConsent, "before any consent");

        var consent = await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardian, recipients = new[] { "school-welfare" }, dataCategories = new[] { "assessment-contributions", "medication-and-risk" },
            purpose = "service-need-assessment",
        })).Ok(HttpStatusCode.Created);
        await Expect(path, viewers, ids, WithSchoolConsent, "under the school consent");

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents/{consent["consentId"]!.GetValue<string>()}/withdrawal",
            new { reason = "Withdrawn by the mother." })).Ok();
        await Expect(path, viewers, ids, WithoutConsent, "after withdrawal");

        await (await path.SocialWork.PostJson($"/api/families/{path.FamilyId}/consents", new
        {
            givenBy = guardian, recipients = new[] { "family-work" }, dataCategories = new[] { "psychiatric-entries" },
            purpose = "family-work-plan", validUntil = host.Clock.GetUtcNow().AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        })).Ok(HttpStatusCode.Created);
        await Expect(path, viewers, ids, WithFamilyWorkPsychiatricConsent, "under the family-work consent");

        host.Clock.Advance(TimeSpan.FromDays(5));
        try
        {
            await Expect(path, viewers, ids, WithoutConsent, "after the family-work consent expired");
        }
        finally
        {
            host.Clock.Reset();
        }
    }

    private static async Task Expect(StatutoryPath path, Dictionary<string, HttpClient> viewers, Dictionary<(string, string), string> ids,
        Dictionary<string, string[]> expected, string when)
    {
        foreach (var (agency, client) in viewers)
        {
            var picture = await (await client.GetAsync($"/api/families/{path.FamilyId}/picture")).Ok();
            var shown = picture["assessment"]!["contributions"]!.AsArray().ToDictionary(c => c!["contributionId"]!.GetValue<string>(), c => c!);
            for (var row = 0; row < Categories.Length; row++)
            {
                for (var column = 0; column < Bases.Length; column++)
                {
                    var contribution = shown[ids[(Categories[row], Bases[column])]];
                    var actual = State(contribution);
                    Assert.True(expected[agency][row][column] == actual,
                        $"{when}: {agency} viewing {Categories[row]} under {Bases[column]}: expected {expected[agency][row][column]}, got {actual}");
                }
            }
        }
    }

    private static char State(JsonNode contribution)
    {
        if (contribution["withheld"]?.GetValue<bool>() != true)
        {
            Assert.NotNull(contribution["summary"]);
            return 'S';
        }
        Assert.Null(contribution["summary"]);
        Assert.Null(contribution["observations"]);
        return contribution["reason"]!.GetValue<string>() switch
        {
            "confirmation-required" => 'C',
            "no-consent" => 'N',
            var other => throw new InvalidOperationException($"Unknown reason {other}"),
        };
    }
}
