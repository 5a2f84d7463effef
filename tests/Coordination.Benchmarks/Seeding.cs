using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Coordination.Benchmarks;

/// <summary>A seeded family: its id, children, the running assessment.</summary>
public sealed record SeededFamily(Guid FamilyId, IReadOnlyList<Guid> ChildIds, Guid AssessmentId);

/// <summary>
/// Realistic families through the real API: 1-4 children, guardians, a school's notification recorded by social work, urgency, decision,
/// invitations, contributions from all four agencies with case-note sized texts, hearings of every child.
/// </summary>
public sealed class Seeding(ServiceUnderTest service)
{
    public const string Org = "county-benchmark";
    private readonly Random _random = new(20261123);

    public HttpClient SocialWork { get; } = service.ClientFor("sw-bench", "social-work", "caseworker");
    public HttpClient Psychiatry { get; } = service.ClientFor("psy-bench", "child-psychiatry", "clinician");
    public HttpClient School { get; } = service.ClientFor("kur-bench", "school-welfare", "caseworker");
    public HttpClient FamilyWork { get; } = service.ClientFor("fw-bench", "family-work", "caseworker");

    public async Task<List<SeededFamily>> FamiliesAsync(int count, int parallel)
    {
        var families = new SeededFamily[count];
        var seeds = Enumerable.Range(0, count).Select(i => (Index: i, Children: 1 + (i % 4), Seed: _random.Next())).ToList();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (s, _) => families[s.Index] = await FamilyAsync(s.Children, new Random(s.Seed)));
        return [.. families];
    }

    private async Task<SeededFamily> FamilyAsync(int childCount, Random random)
    {
        var children = Enumerable.Range(0, childCount).Select(c => new
        {
            name = $"Lapsi {c + 1}",
            birthDate = new DateOnly(2010 + c * 3, 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }).ToArray();
        var registered = await Post(SocialWork, "/api/families", new
        {
            children,
            guardians = new[] { new { name = "Huoltaja", relation = "mother", birthDate = "1985-03-04" } },
            municipality = "Tampere", languages = new[] { "fi" },
        });
        var familyId = Id(registered, "familyId");
        var childIds = registered["childIds"]!.AsArray().Select(c => Guid.Parse(c!.GetValue<string>())).ToList();
        // The school's notification, as the intake's social worker records it on the family (the school has no relationship yet).
        var concern = await Post(SocialWork, $"/api/families/{familyId}/concerns", new
        {
            childIds, kind = "child-welfare-notification", receivedAt = DateTimeOffset.UtcNow.AddHours(-2),
            source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
            description = Note(random, 600, 1500), suspectedOffence = "none", policeReported = false,
        });
        var concernId = Id(concern, "concernId");
        await Post(SocialWork, $"/api/families/{familyId}/concerns/{concernId}/urgency",
            new { urgent = false, assessedAt = DateTimeOffset.UtcNow.AddHours(-1), reasoning = Note(random, 200, 600) });
        var decided = await Post(SocialWork, $"/api/families/{familyId}/concerns/{concernId}/decision",
            new { decision = "start-assessment", decidedAt = DateTimeOffset.UtcNow.AddMinutes(-30) });
        var assessmentId = Id(decided, "assessmentId");
        foreach (var (agency, client) in new[] { ("child-psychiatry", Psychiatry), ("school-welfare", School), ("family-work", FamilyWork) })
        {
            var invitation = Id(await Post(SocialWork, $"/api/families/{familyId}/assessments/{assessmentId}/invitations",
                new { agency, question = Note(random, 100, 300) }), "invitationId");
            await Post(client, $"/api/families/{familyId}/assessments/{assessmentId}/contributions",
                Contribution(childIds, random, invitation, agency == "child-psychiatry" ? "atl-53-5" : "atl-64",
                    agency == "child-psychiatry" ? "psychiatric-entry" : "general"));
        }
        await Post(SocialWork, $"/api/families/{familyId}/assessments/{assessmentId}/contributions",
            Contribution(childIds, random, null, "own-agency", "general"));
        foreach (var child in childIds)
        {
            await Post(SocialWork, $"/api/families/{familyId}/assessments/{assessmentId}/child-hearings",
                new { childId = child, heardAt = DateTimeOffset.UtcNow.AddMinutes(-5), method = "in-person", views = Note(random, 300, 900) });
        }
        return new SeededFamily(familyId, childIds, assessmentId);
    }

    /// <summary>A contribution the size of a real case note: a summary and 1-3 KB of observations.</summary>
    public static object Contribution(IReadOnlyList<Guid> childIds, Random random, Guid? invitationId = null, string legalBasis = "own-agency",
        string category = "general") => new
    {
        invitationId, childIds, summary = Note(random, 300, 800), observations = Note(random, 1000, 3000), category, legalBasis,
    };

    private static readonly string[] Words =
        ["perhe", "koulu", "poissaolot", "äiti", "isä", "lapsi", "tapaaminen", "kotikäynti", "huoli", "tuki", "arki", "uni",
         "ruoka", "harrastus", "kaverit", "väsymys", "sovittiin", "jatketaan", "seurataan", "keskustelu", "yhteistyö", "opettaja"];

    public static string Note(Random random, int min, int max)
    {
        var length = random.Next(min, max);
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(random.Next(9) == 0 ? ". " : " ");
        }
        return text.ToString(0, length);
    }

    private static async Task<JsonNode> Post(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Seeding {url} failed with {(int)response.StatusCode}: {text}");
        }
        return JsonNode.Parse(text)!;
    }

    private static Guid Id(JsonNode body, string field) => Guid.Parse(body[field]!.GetValue<string>());
}
