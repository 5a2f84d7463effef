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
