using System.Net.Http;
using System.Net;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>Preconditions built through the API, the way a caseworker would.</summary>
public static class Scenarios
{
    /// <summary>
    /// A family of new people: the children Aino (born 2016-05-01), Eino (2016-05-02) and Lilja (2004-05-02, date from the
    /// code), their mother Maria (1994-05-01), each with an identity code no other registration of the run has, since a
    /// family of the organisation holding one of them makes a registration a possible duplicate (409).
    /// </summary>
    public static object AFamily(int children = 1) => new
    {
        children = Enumerable.Range(0, children).Select(i => i switch
        {
            0 => (object)new { personId = TestPeople.Born(2016, 5, 1), name = "Aino", birthDate = "2016-05-01" },
            1 => new { personId = TestPeople.Born(2016, 5, 2), name = "Eino", birthDate = "2016-05-02" },
            2 => new { personId = TestPeople.Born(2004, 5, 2), name = "Lilja" },
            _ => new { name = $"Vauva {i}", birthDate = "2025-01-0" + i },
        }).ToArray(),
        guardians = new[] { new { personId = TestPeople.Born(1994, 5, 1), name = "Maria", relation = "mother" } },
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
    /// <summary>The children's identity codes, in the order of <see cref="ChildIds"/> (null for a child without one).</summary>
    public List<string?> ChildCodes { get; } = [];
    public Guid ConcernId { get; private set; }
    public Guid AssessmentId { get; private set; }

    public static string Now(TimeSpan? ago = null) => (DateTimeOffset.UtcNow - (ago ?? TimeSpan.Zero)).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<StatutoryPath> Registered(int children = 2)
    {
        var family = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Scenarios.AFamily(children)))!;
        var body = await (await SocialWork.PostJson("/api/families", family.ToJsonString())).Ok(HttpStatusCode.Created);
        FamilyId = Guid.Parse(body["familyId"]!.GetValue<string>());
        ChildIds.AddRange(body["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())));
        ChildCodes.AddRange(family["children"]!.AsArray().Select(c => c!["personId"]?.GetValue<string>()));
        return this;
    }

    /// <summary>The path of a family registered otherwise (its id only).</summary>
    public StatutoryPath ForFamily(Guid familyId)
    {
        FamilyId = familyId;
        return this;
    }

    /// <summary>
    /// A professional who does not work with the family notifies about its first child through the intake (LsL 25 §);
    /// returns once the service has placed the concern on the family.
    /// </summary>
    public async Task<Guid> Notified(HttpClient notifier, string? receivedAt = null)
    {
        var receipt = await (await notifier.PostJson("/api/concerns", new
        {
            child = new { personId = ChildCodes[0], name = "Aino" },
            kind = "child-welfare-notification", receivedAt = receivedAt ?? Now(),
            source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
            description = "Repeated absences and the child says there is no food at home.", suspectedOffence = "none", policeReported = false,
        })).Ok(HttpStatusCode.Accepted);
        var concernId = Guid.Parse(receipt["concernId"]!.GetValue<string>());
        for (var i = 0; i < 200; i++)
        {
            var seen = await (await SocialWork.GetAsync($"/api/concerns/{concernId}")).Ok();
            if (seen["familyId"] is not null)
            {
                ConcernId = concernId;
                return concernId;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The notification {concernId} was not placed on the family.");
    }

    /// <summary>Gives <paramref name="who"/> a relationship with the family and no part in its assessment: a team the family is allocated to.</summary>
    public async Task RelatedThroughTeam(Caller who, string role = "clinician")
    {
        var consultant = new Caller($"csw-{Guid.NewGuid():N}"[..12], "Kaija Konsultoiva", SocialWorker.Org, "social-work", "consultant-social-worker");
        var lead = host.ClientFor(consultant);
        var team = Guid.Parse((await (await lead.PostJson("/api/teams", new { name = "Tiimi" })).Ok(HttpStatusCode.Created))["teamId"]!.GetValue<string>());
        foreach (var (member, as_) in new[] { (SocialWorker, "social-worker"), (who, role) })
        {
            await (await lead.PostJson($"/api/teams/{team}/members", new { professionalId = member.Id, name = member.Name, role = as_ }))
                .Ok(HttpStatusCode.Created);
        }
        await (await SocialWork.PostJson($"/api/teams/{team}/families", new { familyId = FamilyId, responsibleSocialWorkerId = SocialWorker.Id })).Ok();
    }

    /// <summary>Invites <paramref name="who"/> by name to the assessment: a relationship, and their agency takes part.</summary>
    public async Task<Guid> InvitedByName(Caller who)
    {
        var body = await (await SocialWork.PostJson($"/api/families/{FamilyId}/assessments/{AssessmentId}/invitations",
            new { agency = who.Agency, professionalId = who.Id, question = "What do you know of the children's wellbeing?" }))
            .Ok(HttpStatusCode.Created);
        return Guid.Parse(body["invitationId"]!.GetValue<string>());
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

/// <summary>Valid personal identity codes, each used once in a run: a birth date, a century sign of its century, an individual number.</summary>
public static class TestPeople
{
    private static int _next = Random.Shared.Next(0, 400);

    public static string Born(int year, int month, int day)
    {
        var n = Interlocked.Increment(ref _next);
        var signs = year >= 2000 ? "ABCDEF" : "-YXWVU";
        var individual = 2 + (n % 898);
        var sign = signs[(n / 898) % signs.Length];
        var digits = (day * 10000) + (month * 100) + (year % 100);
        return $"{day:00}{month:00}{year % 100:00}{sign}{individual:000}{Coordination.Identity.PersonalIdentityCode.CheckCharacter(digits, individual)}";
    }
}
