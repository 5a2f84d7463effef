using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.EmbeddedPostgres;
using Coordination.Hosting;
using Coordination.SituationalPicture;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace Coordination.Benchmarks;

public sealed record BenchResult(string Metric, double Value, string Unit, double? BaselineValue, double? Ratio);

public static class BenchmarkRunner
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<List<BenchResult>> RunAsync(BenchOptions options, TextWriter output)
    {
        var results = new List<BenchResult>();
        var schema = $"bench_{Guid.NewGuid():N}"[..14];
        EmbeddedPostgresCluster? cluster = null;
        var directory = Path.Combine(Path.GetTempPath(), $"coordination-bench-{Guid.NewGuid():N}");
        try
        {
            string connectionString;
            if (options.ConnectionString is { } given)
            {
                connectionString = given;
            }
            else
            {
                cluster = await EmbeddedPostgresCluster.StartAsync(directory);
                await cluster.EnsureDatabaseAsync("coordination_bench");
                connectionString = cluster.ConnectionString("coordination_bench");
            }
            var csb = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 80 };
            await using var dataSource = NpgsqlDataSource.Create(csb.ConnectionString);
            if (options.County)
            {
                results = await CountyRunner.RunAsync(connectionString, dataSource, schema, options, output);
                Report.Print(results, options, output);
                if (options.JsonFile is { } countyFile)
                {
                    await File.WriteAllTextAsync(countyFile, JsonSerializer.Serialize(results, ReportJson));
                }
                return results;
            }

            output.WriteLine($"Starting the service (schema {schema}) ...");
            await using var service = await ServiceUnderTest.StartAsync(connectionString, schema, settings: options.ServiceSettings);
            var seeding = new Seeding(service);
            var stopwatch = Stopwatch.StartNew();
            var families = await seeding.FamiliesAsync(options.Families, Math.Max(2, options.Concurrency));
            output.WriteLine($"Seeded {families.Count} families through the API in {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            var raw = new RawBaselines(dataSource, schema);
            await raw.PrepareAsync(families.Select(f => f.FamilyId));
            var duration = TimeSpan.FromSeconds(options.Seconds);
            var random = new Random(7);
            var bodies = Enumerable.Range(0, 64).Select(_ => Seeding.Contribution([], random)).ToArray();
            var json = bodies.Select(b => JsonSerializer.Serialize(b, Json.Options)).ToArray();

            Task<bool> Command(int i)
            {
                var family = families[i % families.Count];
                var body = Seeding.Contribution(family.ChildIds, new Random(i));
                return Succeeded(seeding.SocialWork.PostAsJsonAsync($"/api/families/{family.FamilyId}/assessments/{family.AssessmentId}/contributions", body));
            }
            Task<bool> RawCommand(int i) => raw.AppendAsync(families[i % families.Count].FamilyId, json[i % json.Length]);

            output.WriteLine("Commands ...");
            await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(Math.Min(3, options.Seconds)), Command); // warm-up
            if (options.TraceFile is { } trace)
            {
                return await Profiling.TraceAsync(service, trace, options, Command, output);
            }
            var commands = await Load.ClosedLoopAsync(options.Concurrency, duration, Command);
            var rawCommands = await Load.ClosedLoopAsync(options.Concurrency, duration, RawCommand);
            var commandsAtHalf = await Load.FixedRateAsync(commands.PerSecond / 2, duration, Command);
            var rawAtHalf = await Load.FixedRateAsync(rawCommands.PerSecond / 2, duration, RawCommand);
            var peakMemory = service.PeakMemoryMiB();
            results.Add(Compare("command-throughput", commands.PerSecond, "commands/s", rawCommands.PerSecond));
            results.Add(Compare("command-p50", commands.Percentile(50), "ms", rawCommands.Percentile(50)));
            results.Add(Compare("command-p95", commands.Percentile(95), "ms", rawCommands.Percentile(95)));
            results.Add(Compare("command-p99-at-peak", commands.Percentile(99), "ms", rawCommands.Percentile(99)));
            results.Add(Compare("command-p99", commandsAtHalf.Percentile(99), "ms", rawAtHalf.Percentile(99)));
            results.Add(new BenchResult("command-failures", commands.Failures + commandsAtHalf.Failures, "requests", null, null));

            output.WriteLine("Picture reads ...");
            Task<bool> Read(int i) => Succeeded(seeding.SocialWork.GetAsync($"/api/families/{families[i % families.Count].FamilyId}/picture"));
            Task<bool> RawRead(int i) => raw.ReadPictureAsync(Seeding.Org, families[i % families.Count].FamilyId);
            await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(Math.Min(2, options.Seconds)), Read); // warm-up
            var reads = await Load.ClosedLoopAsync(options.Concurrency, duration, Read);
            var rawReads = await Load.ClosedLoopAsync(options.Concurrency, duration, RawRead);
            results.Add(Compare("picture-read-throughput", reads.PerSecond, "reads/s", rawReads.PerSecond));
            results.Add(Compare("picture-read-p99", reads.Percentile(99), "ms", rawReads.Percentile(99)));

            output.WriteLine($"Time travel on a family of {options.TimeTravelEvents} events ...");
            var (replay, rawStream) = await TimeTravelAsync(service, seeding, families[0], raw, options, duration);
            results.Add(Compare("time-travel-p99", replay.Percentile(99), "ms", rawStream.Percentile(99)));
            results.Add(Compare("time-travel-throughput", replay.PerSecond, "replays/s", rawStream.PerSecond));

            output.WriteLine("Processing-times report ...");
            var (report, rawReport) = await ProcessingTimesAsync(service, raw, options, duration);
            results.Add(Compare("report-p99", report.Percentile(99), "ms", rawReport.Percentile(99)));

            output.WriteLine("Agenda freshness ...");
            var agenda = await AgendaFreshness.MeasureAsync(service, seeding, families, raw, options, commands.PerSecond / 2);
            results.Add(Compare("agenda-lag-p50", agenda.Lag.Percentile(50), "ms", agenda.RawLag.Percentile(50)));
            results.Add(Compare("agenda-lag-p99", agenda.Lag.Percentile(99), "ms", agenda.RawLag.Percentile(99)));
            results.Add(new BenchResult("agenda-read-p99", Math.Round(agenda.AgendaReads.Percentile(99), 2), "ms", null, null));
            results.Add(new BenchResult("agenda-stale-reads", agenda.StaleReads, "reads", null, null));

            output.WriteLine("School message intake ...");
            var school = await SchoolIntake.MeasureAsync(service, seeding, raw, dataSource, schema, options);
            results.Add(Compare("school-intake-rate", school.Intake.PerSecond, "messages/s", school.RawIntake.PerSecond));
            results.Add(Compare("school-intake-p99", school.Intake.Percentile(99), "ms", school.RawIntake.Percentile(99)));
            results.Add(Compare("school-processed-rate", school.ProcessedPerSecond, "messages/s", rawCommands.PerSecond));
            results.Add(new BenchResult("school-drain-after-intake", Math.Round(school.Drain.TotalMilliseconds, 1), "ms", null, null));
            results.Add(new BenchResult("school-intake-failures", school.Intake.Failures, "requests", null, null));

            output.WriteLine("Projection rebuild ...");
            var (rebuildRate, rebuildAllRate, rawRate, startupMs, _) = await RebuildAsync(connectionString, schema, raw);
            results.Add(Compare("rebuild-rate", rebuildRate, "events/s", rawRate));
            results.Add(Compare("rebuild-all-rate", rebuildAllRate, "events/s", rawRate));
            results.Add(new BenchResult("rebuild-startup", Math.Round(startupMs, 1), "ms", null, null));
            results.Add(new BenchResult("peak-memory", peakMemory, "MiB", null, null));

            Report.Print(results, options, output);
            if (options.JsonFile is { } file)
            {
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(results, ReportJson));
            }
            return results;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Grows one family to the given number of events through the API, then replays its picture at a moment in the middle
    /// of its history (asOf and knownAt), as an auditor, against a raw select of the stream's rows.
    /// </summary>
    private static async Task<(Measurement Replay, Measurement Raw)> TimeTravelAsync(ServiceUnderTest service, Seeding seeding,
        SeededFamily family, RawBaselines raw, BenchOptions options, TimeSpan duration)
    {
        var url = $"/api/families/{family.FamilyId}/assessments/{family.AssessmentId}/contributions";
        var existing = (await (await seeding.SocialWork.GetAsync($"/api/families/{family.FamilyId}/picture")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("version").GetInt64();
        var toAdd = Math.Max(0, options.TimeTravelEvents - (int)existing);
        var middle = DateTimeOffset.MinValue;
        await Parallel.ForEachAsync(Enumerable.Range(0, toAdd), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, ct) =>
        {
            if (i == toAdd / 2)
            {
                middle = DateTimeOffset.UtcNow;
            }
            using var response = await seeding.SocialWork.PostAsJsonAsync(url, Seeding.Contribution(family.ChildIds, new Random(i)), ct);
            response.EnsureSuccessStatusCode();
        });
        var moment = Uri.EscapeDataString((middle == DateTimeOffset.MinValue ? DateTimeOffset.UtcNow : middle).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        using var auditor = service.ClientFor("aud-bench", "audit", "auditor");
        Task<bool> Replay(int _) => Succeeded(auditor.GetAsync($"/api/families/{family.FamilyId}/picture?asOf={moment}&knownAt={moment}"));
        Task<bool> RawStream(int _) => raw.ReadStreamAsync(Seeding.Org, family.FamilyId);
        await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(Math.Min(2, options.Seconds)), Replay); // warm-up
        return (await Load.ClosedLoopAsync(options.Concurrency, duration, Replay), await Load.ClosedLoopAsync(options.Concurrency, duration, RawStream));
    }

    /// <summary>
    /// THL's processing-times report for the half-year up to today, as an auditor, against a raw SQL aggregate of the same
    /// counts straight over the event table (what any report must at least do: read the concern, decision, start and
    /// conclusion facts of the organisation and count them).
    /// </summary>
    private static async Task<(Measurement Report, Measurement Raw)> ProcessingTimesAsync(ServiceUnderTest service, RawBaselines raw,
        BenchOptions options, TimeSpan duration)
    {
        var to = Coordination.Calendar.FinnishCalendar.HelsinkiDate(DateTimeOffset.UtcNow);
        var from = to.AddDays(-182);
        using var auditor = service.ClientFor("aud-bench", "audit", "auditor");
        var url = $"/api/reports/processing-times?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        Task<bool> Report(int _) => Succeeded(auditor.GetAsync(url));
        Task<bool> Raw(int _) => raw.ProcessingTimesAsync(Seeding.Org, from, to, DateTimeOffset.UtcNow);
        await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(Math.Min(2, options.Seconds)), Report); // warm-up
        return (await Load.ClosedLoopAsync(options.Concurrency, duration, Report), await Load.ClosedLoopAsync(options.Concurrency, duration, Raw));
    }

    /// <summary>
    /// Rebuilds with the service's own store configuration: the situational pictures alone (events read per second), then
    /// every projection one after another (all the service registers; events of the log per second of the whole rebuild). The daemon's first rebuild
    /// pays a start-up cost unrelated to the number of events; a small projection takes it first and it is reported apart.
    /// <c>AllTime</c> is how long the rebuild of every projection took.
    /// </summary>
    internal static async Task<(double Picture, double All, double Raw, double StartupMs, TimeSpan AllTime)> RebuildAsync(string connectionString, string schema, RawBaselines raw)
    {
        using var store = DocumentStore.For(o => Storage.ConfigureMarten(o, connectionString, schema));
        var events = await CountEventsAsync(store);
        using var daemon = await store.BuildProjectionDaemonAsync();
        // The daemon's first rebuild pays a start-up cost (finding the high-water mark, warming up) that has nothing to do
        // with the number of events; a small projection takes it first, so the figures are the steady rebuild rate.
        var stopwatch = Stopwatch.StartNew();
        await daemon.RebuildProjectionAsync<Coordination.Families.FamilyMembers>(TimeSpan.FromMinutes(10), CancellationToken.None);
        var firstRebuild = stopwatch.Elapsed;
        stopwatch.Restart();
        await daemon.RebuildProjectionAsync<FamilyPicture>(TimeSpan.FromMinutes(10), CancellationToken.None);
        var picture = events / stopwatch.Elapsed.TotalSeconds;

        stopwatch.Restart();
        var timeout = TimeSpan.FromMinutes(10);
        // Every projection the service registers, so a new one cannot be left out of the figure.
        foreach (var source in ((StoreOptions)store.Options).Projections.All)
        {
            await daemon.RebuildProjectionAsync(source.Name, timeout, CancellationToken.None);
        }
        var allTime = stopwatch.Elapsed;
        var all = events / allTime.TotalSeconds;
        stopwatch.Restart();
        var read = await raw.ReadAndDeserialiseAllEventsAsync();
        return (picture, all, read / stopwatch.Elapsed.TotalSeconds, firstRebuild.TotalMilliseconds, allTime);
    }

    private static async Task<long> CountEventsAsync(IDocumentStore store)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100
        command.CommandText = $"select count(*) from {store.Options.DatabaseSchemaName}.mt_events";
#pragma warning restore CA2100
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task<bool> Succeeded(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A figure beside its baseline; a phase in which every operation failed has no figure (NaN is no JSON number).</summary>
    internal static BenchResult Compare(string metric, double value, string unit, double baseline) =>
        new(metric, double.IsNaN(value) ? -1 : Math.Round(value, 2), unit, double.IsNaN(baseline) ? null : Math.Round(baseline, 2),
            baseline == 0 || double.IsNaN(baseline) || double.IsNaN(value) ? null : Math.Round(value / baseline, 3));
}

public static class Report
{
    public static void Print(IReadOnlyList<BenchResult> results, BenchOptions options, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Coordination benchmark{(options.Quick ? " (--quick: proves the program works; do not judge speed by it)" : "")}");
        output.WriteLine($"{Environment.ProcessorCount} cores, {(options.County ? "county mode, " : "")}{options.Families} families, concurrency {options.Concurrency}, {options.Seconds} s per phase");
        output.WriteLine($"{"metric",-26}{"value",14} {"unit",-12}{"baseline",14}{"ratio",9}");
        foreach (var r in results)
        {
            output.WriteLine($"{r.Metric,-26}{r.Value,14:0.##} {r.Unit,-12}{(r.BaselineValue is { } b ? b.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "—"),14}{(r.Ratio is { } q ? q.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "—"),9}");
        }
    }
}
