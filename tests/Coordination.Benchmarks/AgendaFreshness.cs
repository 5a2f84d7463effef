using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Coordination.Benchmarks;

/// <summary>
/// How soon the weekly meeting's agenda shows a write: a team is formed through the API and given families; then, while
/// other families take a steady write load, a school raises a concern on one of the team's families and the agenda is
/// read until it names that concern. The lag is from the write's acknowledgement to the first agenda that shows it.
/// The baseline is the same for PostgreSQL alone: from a committed insert to the first select that returns the row.
/// </summary>
public static class AgendaFreshness
{
    public sealed record Result(Measurement Lag, Measurement RawLag, Measurement AgendaReads, int StaleReads, int TeamFamilies);

    public static async Task<Result> MeasureAsync(ServiceUnderTest service, Seeding seeding, IReadOnlyList<SeededFamily> families,
        RawBaselines raw, BenchOptions options, double backgroundRate)
    {
        using var consultant = service.ClientFor("csw-bench", "social-work", "consultant-social-worker");
        var teamId = await PostAsync(consultant, "/api/teams", new { name = "Benchmark team" }, "teamId");
        var members = new List<string> { "sw-bench" };
        await PostAsync(consultant, $"/api/teams/{teamId}/members", new { professionalId = "sw-bench", name = "sw-bench", role = "social-worker" }, "teamId");
        await PostAsync(consultant, $"/api/teams/{teamId}/members", new { professionalId = "co-bench", name = "co-bench", role = "coordinator" }, "teamId");

        // Half the families (at most 40) join the team; each worker holds at most 30 children (LsL 13 b §).
        var teamFamilies = families.Take(Math.Min(40, families.Count / 2)).ToList();
        var held = new Dictionary<string, int> { ["sw-bench"] = 0 };
        foreach (var family in teamFamilies)
        {
            var worker = held.FirstOrDefault(w => w.Value + family.ChildIds.Count <= 30).Key;
            if (worker is null)
            {
                worker = $"sw-bench-{held.Count + 1}";
                await PostAsync(consultant, $"/api/teams/{teamId}/members", new { professionalId = worker, name = worker, role = "social-worker" }, "teamId");
                // Signs in once, so the service knows the worker is a social worker it may name responsible (docs/sharing.md §6).
                using (var signedIn = service.ClientFor(worker, "social-work", "caseworker"))
                {
                    (await signedIn.GetAsync("/api/teams")).EnsureSuccessStatusCode();
                }
                held[worker] = 0;
                members.Add(worker);
            }
            held[worker] += family.ChildIds.Count;
            await PostAsync(seeding.SocialWork, $"/api/teams/{teamId}/families", new { familyId = family.FamilyId, responsibleSocialWorkerId = worker }, "familyId");
        }
        using var coordinator = service.ClientFor("co-bench", "social-work", "coordinator");
        await PostAsync(coordinator, $"/api/teams/{teamId}/meetings", new { scheduledFor = DateTimeOffset.UtcNow }, "meetingId");
        var meetingId = await PostAsync(coordinator, $"/api/teams/{teamId}/meetings", new { scheduledFor = DateTimeOffset.UtcNow.AddDays(7) }, "meetingId");
        var agendaUrl = $"/api/teams/{teamId}/meetings/{meetingId}/agenda";

        var others = families.Skip(teamFamilies.Count).ToList();
        using var background = new CancellationTokenSource();
        var load = Load.FixedRateAsync(backgroundRate, TimeSpan.FromHours(1), i =>
            Post(seeding.SocialWork, $"/api/families/{others[i % others.Count].FamilyId}/assessments/{others[i % others.Count].AssessmentId}/contributions",
                Seeding.Contribution(others[i % others.Count].ChildIds, new Random(i))), stop: background.Token);

        var probes = options.Quick ? 10 : 100;
        var lags = new List<double>();
        var reads = new List<double>();
        var stale = 0;
        var started = Stopwatch.StartNew();
        for (var i = 0; i < probes; i++)
        {
            var family = teamFamilies[i % teamFamilies.Count];
            var concernId = await PostAsync(seeding.School, $"/api/families/{family.FamilyId}/concerns", new
            {
                childIds = family.ChildIds, kind = "child-welfare-notification", receivedAt = DateTimeOffset.UtcNow,
                source = new { agency = "school-welfare", organisation = "Tampere", reporterRole = "teacher", anonymous = false },
                description = "Benchmark probe", suspectedOffence = "none", policeReported = false,
            }, "concernId");
            var acknowledged = Stopwatch.GetTimestamp();
            while (true)
            {
                var read = Stopwatch.GetTimestamp();
                var agenda = await coordinator.GetStringAsync(agendaUrl);
                reads.Add(Stopwatch.GetElapsedTime(read).TotalMilliseconds);
                if (agenda.Contains(concernId.ToString(), StringComparison.Ordinal))
                {
                    break;
                }
                stale++;
                if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(10))
                {
                    throw new InvalidOperationException($"The agenda did not show concern {concernId} within 10 s.");
                }
            }
            lags.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
        }
        var elapsed = started.Elapsed;

        var rawLags = new List<double>();
        for (var i = 0; i < probes; i++)
        {
            rawLags.Add(await raw.AppendThenSeeAsync(teamFamilies[i % teamFamilies.Count].FamilyId, "{\"probe\":true}"));
        }
        await background.CancelAsync();
        await load;
        return new Result(new Measurement(lags.Count, 0, elapsed, [.. lags]), new Measurement(rawLags.Count, 0, elapsed, [.. rawLags]),
            new Measurement(reads.Count, 0, elapsed, [.. reads]), stale, teamFamilies.Count);
    }

    private static async Task<bool> Post(HttpClient client, string url, object body)
    {
        try
        {
            using var response = await client.PostAsJsonAsync(url, body);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<Guid> PostAsync(HttpClient client, string url, object body, string idField)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{url} failed with {(int)response.StatusCode}: {text}");
        }
        return JsonDocument.Parse(text).RootElement.GetProperty(idField).GetGuid();
    }
}
