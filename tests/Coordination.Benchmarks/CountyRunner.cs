using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Hosting;
using Npgsql;

namespace Coordination.Benchmarks;

/// <summary>
/// County mode: the county data set (<see cref="CountyDataSet"/>), the service started on it, and every read that a county's
/// size could break, each beside a raw-SQL read of the same rows in the same run.
/// </summary>
public static class CountyRunner
{
    public static async Task<List<BenchResult>> RunAsync(string connectionString, NpgsqlDataSource dataSource, string schema, BenchOptions options,
        TextWriter output)
    {
        var results = new List<BenchResult>();
        output.WriteLine($"Building the county data set ({options.Families} families) in schema {schema} ...");
        var county = await CountyDataSet.BuildAsync(connectionString, schema, options.Families, output);
        output.WriteLine($"Built {county.Facts} facts and {county.AccessLogRows} access-log rows in {county.Took.TotalSeconds:0} s; database {county.DatabaseBytes / 1048576.0:0} MiB.");
        results.Add(new BenchResult("county-families", county.Families.Count, "families", null, null));
        results.Add(new BenchResult("county-facts", county.Facts, "facts", null, null));
        results.Add(new BenchResult("county-access-log-rows", county.AccessLogRows, "rows", null, null));
        results.Add(new BenchResult("county-build-time", Math.Round(county.Took.TotalSeconds, 1), "s", null, null));
        results.Add(new BenchResult("county-build-rate", Math.Round(county.Facts / county.Took.TotalSeconds), "facts/s", null, null));
        results.Add(new BenchResult("county-database-size", Math.Round(county.DatabaseBytes / 1048576.0), "MiB", null, null));

        var started = Stopwatch.StartNew();
        await using var service = await ServiceUnderTest.StartAsync(connectionString, schema, settings: options.ServiceSettings);
        results.Add(new BenchResult("service-start", Math.Round(started.Elapsed.TotalSeconds, 2), "s", null, null));
        output.WriteLine($"Service ready on the county schema in {started.Elapsed.TotalSeconds:0.0} s.");

        var raw = new RawBaselines(dataSource, schema);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var c = options.Concurrency;
        // Eight social workers, each reading their own families (those they registered: their relationship).
        var workers = county.Families.GroupBy(f => f.SocialWorkerId).OrderByDescending(g => g.Count()).Take(c)
            .Select(g => (Client: service.ClientFor(g.Key, "social-work", "caseworker"), Families: g.ToList())).ToList();
        using var admin = service.ClientFor(county.Admin.Id, "social-work", "admin");
        using var auditor = service.ClientFor("aud-county", "audit", "auditor");
        // The issue's team holds 30 families; the county's largest is measured too.
        var team = county.Teams.OrderBy(t => Math.Abs(t.Families - 30)).First();
        var largest = county.Teams.OrderByDescending(t => t.Families).First();
        using var coordinator = service.ClientFor(team.Coordinator.Id, "social-work", "consultant-social-worker");
        using var largestCoordinator = service.ClientFor(largest.Coordinator.Id, "social-work", "consultant-social-worker");
        output.WriteLine($"Team {team.TeamId} holds {team.Families} families; the largest, {largest.TeamId}, {largest.Families}.");
        results.Add(new BenchResult("county-team-families", team.Families, "families", null, null));
        results.Add(new BenchResult("county-largest-team-families", largest.Families, "families", null, null));

        void Add(BenchResult result)
        {
            results.Add(result);
            output.WriteLine($"  {result.Metric} {result.Value} {result.Unit} (baseline {result.BaselineValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"}, ratio {result.Ratio?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"})");
        }
        async Task Phase(string metric, Func<int, Task<bool>> read, Func<int, Task<bool>> rawRead, int rawConcurrency = 0)
        {
            output.WriteLine($"{metric} ...");
            await Load.ClosedLoopAsync(c, TimeSpan.FromSeconds(Math.Min(2, options.Seconds)), read); // warm-up
            var measured = await Load.ClosedLoopAsync(c, duration, Guarded(read));
            var baseline = await Load.ClosedLoopAsync(rawConcurrency > 0 ? rawConcurrency : c, duration, Guarded(rawRead));
            Add(Compare($"{metric}-p99", measured.Percentile(99), "ms", baseline.Percentile(99)));
            Add(Compare($"{metric}-throughput", measured.PerSecond, "reads/s", baseline.PerSecond));
            Add(new BenchResult($"{metric}-failures", measured.Failures, "requests", null, null));
        }
        (HttpClient Client, CountyFamily Family) Pick(int i)
        {
            var (client, families) = workers[i % workers.Count];
            return (client, families[(i / workers.Count * 7919) % families.Count]);
        }
        if (options.TraceFile is { } trace)
        {
            // The picture read of the county under the profiler: what a read of a family of years costs.
            return await Profiling.TraceAsync(service, trace, options,
                i => Ok(Pick(i).Client.GetAsync($"/api/families/{Pick(i).Family.FamilyId}/picture")), output, "picture read");
        }
        var familiesOfPage = await FirstPageFamiliesAsync(workers[0].Client, "/api/deadlines?limit=50");
        var adminPage = await FirstPageFamiliesAsync(admin, "/api/deadlines?state=open&limit=50");

        await Phase("picture-read", i => Ok(Pick(i).Client.GetAsync($"/api/families/{Pick(i).Family.FamilyId}/picture")),
            i => raw.ReadPictureAsync(Seeding.Org, Pick(i).Family.FamilyId));
        await Phase("worklist", i => Ok(workers[i % workers.Count].Client.GetAsync("/api/worklist?limit=50")),
            _ => raw.ReadDocumentsAsync("mt_doc_family", familiesOfPage));
        await Phase("deadline-page", i => Ok(workers[i % workers.Count].Client.GetAsync("/api/deadlines?limit=50")),
            _ => raw.ReadDocumentsAsync("mt_doc_family", familiesOfPage));
        await Phase("deadline-page-admin", _ => Ok(admin.GetAsync("/api/deadlines?state=open&limit=50")),
            _ => raw.ReadDocumentsAsync("mt_doc_family", adminPage));
        await Phase("access-log-page", i => Ok(auditor.GetAsync(i % 2 == 0
                ? "/api/audit/access-log?limit=50"
                : $"/api/audit/access-log?professionalId={Pick(i).Family.SocialWorkerId}&limit=50")),
            _ => raw.ReadAccessLogPageAsync(Seeding.Org, 50));
        await Phase("search", i => Ok(Pick(i).Client.PostAsJsonAsync("/api/families/search", new { personId = Pick(i).Family.ChildCodes[0] })),
            i => raw.ReadDocumentsAsync("mt_doc_familymembers", [Pick(i).Family.FamilyId]));
        var teamFamilies = await FirstPageFamiliesAsync(coordinator, $"/api/teams/{team.TeamId}/caseload?limit=100");
        await Phase("caseload", _ => Ok(coordinator.GetAsync($"/api/teams/{team.TeamId}/caseload?limit=100")),
            _ => raw.ReadDocumentsAsync("mt_doc_teamcase", teamFamilies));
        await Phase("agenda", _ => Ok(coordinator.GetAsync($"/api/teams/{team.TeamId}/meetings/{team.NextMeetingId}/agenda")),
            _ => raw.ReadDocumentsAsync("mt_doc_teamcase", teamFamilies));
        var largestFamilies = await FirstPageFamiliesAsync(largestCoordinator, $"/api/teams/{largest.TeamId}/caseload?limit=200");
        await Phase("caseload-largest-team", _ => Ok(largestCoordinator.GetAsync($"/api/teams/{largest.TeamId}/caseload?limit=200")),
            _ => raw.ReadDocumentsAsync("mt_doc_teamcase", largestFamilies));
        await Phase("agenda-largest-team", _ => Ok(largestCoordinator.GetAsync($"/api/teams/{largest.TeamId}/meetings/{largest.NextMeetingId}/agenda")),
            _ => raw.ReadDocumentsAsync("mt_doc_teamcase", largestFamilies));

        var to = Coordination.Calendar.FinnishCalendar.HelsinkiDate(DateTimeOffset.UtcNow);
        var from = to.AddDays(-182);
        // The raw aggregate scans the county's whole event table with self-joins: one at a time, or it only times out.
        await Phase("report", _ => Ok(auditor.GetAsync($"/api/reports/processing-times?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}")),
            _ => raw.ProcessingTimesAsync(Seeding.Org, from, to, DateTimeOffset.UtcNow), rawConcurrency: 1);

        var moment = Uri.EscapeDataString(county.LongFamilyMiddle.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await Phase("time-travel", _ => Ok(auditor.GetAsync($"/api/families/{county.LongFamily.FamilyId}/picture?asOf={moment}&knownAt={moment}")),
            _ => raw.ReadStreamAsync(Seeding.Org, county.LongFamily.FamilyId));

        // Commands: contributions to the county's running assessments, by their social workers, against the raw append.
        var clients = new Dictionary<string, HttpClient>();
        var running = county.Families.Where(f => f.RunningAssessmentId is not null).Take(2000)
            .Select(f => (Client: clients.TryGetValue(f.SocialWorkerId, out var known) ? known
                : clients[f.SocialWorkerId] = service.ClientFor(f.SocialWorkerId, "social-work", "caseworker"), Family: f)).ToList();
        output.WriteLine($"Commands on {running.Count} running assessments ...");
        await raw.PrepareAsync(running.Select(r => r.Family.FamilyId));
        var json = Enumerable.Range(0, 64).Select(i => JsonSerializer.Serialize(Seeding.Contribution([], new Random(i)), Json.Options)).ToArray();
        Task<bool> Command(int i)
        {
            var (client, family) = running[i % running.Count];
            return Ok(client.PostAsJsonAsync($"/api/families/{family.FamilyId}/assessments/{family.RunningAssessmentId}/contributions",
                Seeding.Contribution(family.ChildIds, new Random(i))));
        }
        Task<bool> RawCommand(int i) => raw.AppendAsync(running[i % running.Count].Family.FamilyId, json[i % json.Length]);
        await Load.ClosedLoopAsync(c, TimeSpan.FromSeconds(Math.Min(3, options.Seconds)), Command); // warm-up
        var commands = await Load.ClosedLoopAsync(c, duration, Command);
        var rawCommands = await Load.ClosedLoopAsync(c, duration, RawCommand);
        var commandsAtHalf = await Load.FixedRateAsync(commands.PerSecond / 2, duration, Command);
        var rawAtHalf = await Load.FixedRateAsync(rawCommands.PerSecond / 2, duration, RawCommand);
        Add(Compare("command-throughput", commands.PerSecond, "commands/s", rawCommands.PerSecond));
        Add(Compare("command-p99", commandsAtHalf.Percentile(99), "ms", rawAtHalf.Percentile(99)));
        Add(new BenchResult("command-failures", commands.Failures + commandsAtHalf.Failures, "requests", null, null));
        Add(new BenchResult("peak-memory", Math.Round(service.PeakMemoryMiB()), "MiB", null, null));

        if (options.Rebuild)
        {
            output.WriteLine("Rebuilding every projection ...");
            var (picture, all, rawRate, _, allTime) = await BenchmarkRunner.RebuildAsync(connectionString, schema, raw);
            results.Add(Compare("rebuild-rate", picture, "events/s", rawRate));
            results.Add(Compare("rebuild-all-rate", all, "events/s", rawRate));
            results.Add(new BenchResult("rebuild-all-time", Math.Round(allTime.TotalSeconds, 1), "s", null, null));
        }
        foreach (var client in workers.Select(w => w.Client).Concat(clients.Values))
        {
            client.Dispose();
        }
        return results;
    }

    /// <summary>An operation that fails (a timeout, a refused connection) counts as a failure, not as the end of the run.</summary>
    private static Func<int, Task<bool>> Guarded(Func<int, Task<bool>> operation) => async i =>
    {
        try
        {
            return await operation(i);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or HttpRequestException)
        {
            return false;
        }
    };

    /// <summary>The families named on the first page of a list, for the raw read of the same rows.</summary>
    private static async Task<Guid[]> FirstPageFamiliesAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = body.ValueKind == JsonValueKind.Array ? body : body.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.Array);
        return items.ValueKind != JsonValueKind.Array
            ? []
            : items.EnumerateArray().Select(i => i.TryGetProperty("familyId", out var id) ? id.GetGuid() : Guid.Empty).Where(g => g != Guid.Empty)
                .Distinct().ToArray();
    }

    private static Task<bool> Ok(Task<HttpResponseMessage> request) => BenchmarkRunner.Succeeded(request);

    private static BenchResult Compare(string metric, double value, string unit, double baseline) =>
        BenchmarkRunner.Compare(metric, value, unit, baseline);
}
