using System.Net.Http;
using System.Net;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>Preconditions built through the API, the way a caseworker would.</summary>
public static class Scenarios
{
    public static object AFamily(int children = 1) => new
    {
        children = Enumerable.Range(0, children).Select(i => i switch
        {
            0 => (object)new { personId = "010516B902W", name = "Aino", birthDate = "2016-05-01" },
            1 => new { personId = "020516C902J", name = "Eino", birthDate = "2016-05-02" },
            2 => new { personId = "020504A902E", name = "Lilja" },
            _ => new { name = $"Vauva {i}", birthDate = "2025-01-0" + i },
        }).ToArray(),
        guardians = new[] { new { personId = "010594Y9021", name = "Maria", relation = "mother" } },
        municipality = "Tampere",
        languages = new[] { "fi" },
    };

    public static async Task<Guid> RegisterFamily(this HttpClient client, int children = 1)
    {
        var response = await client.PostJson("/api/families", AFamily(children));
        var body = await response.Ok(HttpStatusCode.Created);
        return Guid.Parse(body["familyId"]!.GetValue<string>());
    }
}

/// <summary>A family on the statutory path, built step by step through the API.</summary>
public sealed class StatutoryPath(CoordinationHost host, Caller socialWorker)
{
    public HttpClient SocialWork { get; } = host.ClientFor(socialWorker);
    public Caller SocialWorker => socialWorker;
    public Guid FamilyId { get; private set; }
    public List<Guid> ChildIds { get; } = [];
    public Guid ConcernId { get; private set; }
    public Guid AssessmentId { get; private set; }

    public static string Now(TimeSpan? ago = null) => (DateTimeOffset.UtcNow - (ago ?? TimeSpan.Zero)).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<StatutoryPath> Registered(int children = 2)
    {
        var body = await (await SocialWork.PostJson("/api/families", Scenarios.AFamily(children))).Ok(HttpStatusCode.Created);
        FamilyId = Guid.Parse(body["familyId"]!.GetValue<string>());
        ChildIds.AddRange(body["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())));
        return this;
    }

    public static object SchoolNotification(IEnumerable<Guid> childIds, string receivedAt) => new
    {
        childIds,
        kind = "child-welfare-notification",
        receivedAt,
        source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
        description = "Repeated absences and the child says there is no food at home.",
        suspectedOffence = "none",
        policeReported = false,
    };

    public async Task<StatutoryPath> WithConcern(HttpClient? from = null, string? receivedAt = null)
    {
        var body = await (await (from ?? SocialWork).PostJson($"/api/families/{FamilyId}/concerns",
            SchoolNotification(ChildIds, receivedAt ?? Now()))).Ok(HttpStatusCode.Created);
        ConcernId = Guid.Parse(body["concernId"]!.GetValue<string>());
        return this;
    }

    public async Task<StatutoryPath> UrgencyAssessed()
    {
        await (await SocialWork.PostJson($"/api/families/{FamilyId}/concerns/{ConcernId}/urgency",
            new { urgent = false, assessedAt = Now(), reasoning = "No immediate danger; school follows attendance." })).Ok();
        return this;
    }

    public async Task<StatutoryPath> AssessmentStarted()
    {
        var body = await (await SocialWork.PostJson($"/api/families/{FamilyId}/concerns/{ConcernId}/decision",
            new { decision = "start-assessment", decidedAt = Now(), childAndGuardianInformedAt = Now() })).Ok(HttpStatusCode.Created);
        AssessmentId = Guid.Parse(body["assessmentId"]!.GetValue<string>());
        return this;
    }

    public async Task<Guid> Invite(string agency)
    {
        var body = await (await SocialWork.PostJson($"/api/families/{FamilyId}/assessments/{AssessmentId}/invitations",
            new { agency, question = "What do you know of the children's wellbeing?", respondBy = DateTime.UtcNow.AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }))
            .Ok(HttpStatusCode.Created);
        return Guid.Parse(body["invitationId"]!.GetValue<string>());
    }

    public static object Contribution(IEnumerable<Guid> childIds, string category = "general", string legalBasis = "atl-64",
        Guid? invitationId = null, Guid? supersedes = null) => new
    {
        invitationId, childIds, summary = "Seen twice at home; the mother is exhausted.", observations = "Kitchen empty on both visits.",
        category, legalBasis, supersedes,
    };

    public async Task HearAll()
    {
        foreach (var child in ChildIds)
        {
            await (await SocialWork.PostJson($"/api/families/{FamilyId}/assessments/{AssessmentId}/child-hearings",
                new { childId = child, heardAt = Now(), method = "in-person", views = "Wants to stay at home and go to school." }))
                .Ok(HttpStatusCode.Created);
        }
    }

    public async Task<StatutoryPath> OpenAssessment(int children = 2) =>
        await (await (await (await Registered(children)).WithConcern()).UrgencyAssessed()).AssessmentStarted();
}
