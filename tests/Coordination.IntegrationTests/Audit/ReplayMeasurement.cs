using System.Diagnostics;
using System.Globalization;
using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Coordination.SituationalPicture;
using Npgsql;

namespace Coordination.IntegrationTests.Audit;

/// <summary>
/// How long a replay of a 1,000-fact family takes, from snapshots and as the full fold did, against a raw read of the same
/// stream's rows (the machine is shared, so ratios say more than milliseconds). Not a check: it runs only with
/// REPLAY_MEASURE=1 (<c>REPLAY_MEASURE=1 dotnet run -- -class Coordination.IntegrationTests.Audit.ReplayMeasurement -diagnostics</c>).
/// </summary>
public sealed class ReplayMeasurement(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const int Facts = 1000;
    private const int Concurrency = 8;

    [Fact(Timeout = 900000)]
    public async Task a_replay_of_a_thousand_facts()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("REPLAY_MEASURE") == "1", "A measurement: set REPLAY_MEASURE=1 to run it.");
        var path = await new StatutoryPath(host, Caller.SocialWorker()).OpenAssessment(children: 1);
        var url = $"/api/families/{path.FamilyId}/assessments/{path.AssessmentId}/contributions";
        var middle = DateTimeOffset.MinValue;
        var existing = (await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId)).Count;
        var toAdd = Facts - existing;
        await Parallel.ForEachAsync(Enumerable.Range(0, toAdd), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            if (i == toAdd / 2)
            {
                middle = DateTimeOffset.UtcNow;
            }
            var note = new Random(i);
            await (await path.SocialWork.PostJson(url, new
            {
                childIds = path.ChildIds, summary = Note(note, 300, 800), observations = Note(note, 1000, 3000), category = "general", legalBasis = "own-agency",
            })).Ok(HttpStatusCode.Created);
        });
        var events = await host.EventsOf(Orgs.Pirkanmaa, path.FamilyId);
        var moment = Uri.EscapeDataString(middle.ToString("O", CultureInfo.InvariantCulture));
        var auditor = host.ClientFor(Caller.Auditor());
        var first = Stopwatch.StartNew();
        await (await auditor.GetAsync($"/api/families/{path.FamilyId}/picture?asOf={moment}&knownAt={moment}")).Ok(); // writes the snapshots
        first.Stop();

        async Task FullFold()
        {
            await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
            var all = await session.Events.FetchStreamAsync(path.FamilyId);
            _ = PictureReplay.Fold(all, middle, middle);
            _ = PictureReplay.Fold(all, null, middle);
            _ = PictureReplay.FoldSystemicRecord(all, middle, middle);
        }
        async Task FromSnapshots()
        {
            await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
            _ = await SnapshotReplay.ReplayAsync(host.Store, session, path.FamilyId, middle, middle, CancellationToken.None);
        }
        async Task Http(string query) => await (await auditor.GetAsync($"/api/families/{path.FamilyId}/picture?{query}")).Ok();
        async Task Raw()
        {
            await using var connection = host.Store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"select data::text from {host.Schema}.mt_events where stream_id = @s and tenant_id = @t order by version", connection);
            command.Parameters.AddWithValue("s", path.FamilyId);
            command.Parameters.AddWithValue("t", Orgs.Pirkanmaa);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _ = reader.GetString(0);
            }
        }

        var lines = new List<string>
        {
            $"{events.Count} facts, {events.Sum(e => System.Text.Json.JsonSerializer.Serialize(e.Data, e.Data.GetType()).Length) / 1024} KiB of event data; concurrency {Concurrency}",
            $"first replay (writes {events.Count / PictureSnapshots.Every} snapshots): {first.ElapsedMilliseconds} ms",
            await Time("raw read of the stream's rows", Raw),
            await Time("full fold (fetch all, fold three times)", FullFold),
            await Time("from snapshots (store)", FromSnapshots),
            await Time("HTTP asOf=knownAt=middle", () => Http($"asOf={moment}&knownAt={moment}")),
            await Time("HTTP asOf=middle", () => Http($"asOf={moment}")),
            await Time("HTTP knownAt=now", () => Http($"knownAt={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))}")),
        };
        await using (var connection = host.Store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"select count(*), coalesce(avg(length(data::text)), 0)::bigint, coalesce(max(length(data::text)), 0) from {host.Schema}.mt_doc_picturesnapshotstate", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            lines.Add($"snapshot states: {reader.GetInt64(0)}, average {reader.GetInt64(1) / 1024} KiB, largest {reader.GetInt32(2) / 1024} KiB");
        }
        TestContext.Current.SendDiagnosticMessage("ReplayMeasurement\n" + string.Join("\n", lines));
    }

    /// <summary>p50 and p99 of <paramref name="run"/> over 5 s, <see cref="Concurrency"/> at a time, after a 1 s warm-up.</summary>
    private static async Task<string> Time(string what, Func<Task> run)
    {
        async Task<List<double>> Loop(TimeSpan length)
        {
            var samples = new List<double>();
            var until = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                while (until.Elapsed < length)
                {
                    var one = Stopwatch.StartNew();
                    await run();
                    lock (samples)
                    {
                        samples.Add(one.Elapsed.TotalMilliseconds);
                    }
                }
            }));
            return samples;
        }
        await Loop(TimeSpan.FromSeconds(1));
        var sorted = (await Loop(TimeSpan.FromSeconds(5))).Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"{what}: n={sorted.Count} p50={P(0.5):F1} ms p99={P(0.99):F1} ms");
    }

    private static readonly string[] Words = ["perhe", "koulu", "poissaolot", "äiti", "lapsi", "tapaaminen", "kotikäynti", "huoli", "tuki", "arki"];

    private static string Note(Random random, int min, int max)
    {
        var length = random.Next(min, max);
        var text = new System.Text.StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(Words[random.Next(Words.Length)]).Append(random.Next(9) == 0 ? ". " : " ");
        }
        return text.ToString(0, length);
    }
}
