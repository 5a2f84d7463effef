using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordination.SchoolSender;
using Npgsql;

namespace Coordination.Benchmarks;

/// <summary>
/// The school student-welfare inbound route: signed absence alerts about pupils that seeded families hold, sent through
/// the reference sender as fast as the route accepts them (each a new messageId), then the time until every accepted
/// message is processed onto its family. Baselines: PostgreSQL committing the same two rows by hand (the message record
/// and its inbox envelope) for intake, and the hand-written append for processing.
/// </summary>
public static class SchoolIntake
{
    public sealed record Result(Measurement Intake, Measurement RawIntake, double ProcessedPerSecond, TimeSpan Drain, int Pupils);

    public static async Task<Result> MeasureAsync(ServiceUnderTest service, Seeding seeding, RawBaselines raw, NpgsqlDataSource dataSource,
        string schema, BenchOptions options)
    {
        const string senderId = "bench-school";
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var admin = service.ClientFor("adm-bench", "social-work", "admin");
        using (var registered = await admin.PostAsJsonAsync("/api/integrations/school-welfare/senders", new { senderId, name = "Benchmark school", secret }))
        {
            registered.EnsureSuccessStatusCode();
        }

        // Pupils with identity codes, each the child of a family of their own.
        var pupils = Enumerable.Range(0, Math.Min(40, Math.Max(4, options.Families / 4))).Select(PersonId).ToList();
        foreach (var pupil in pupils)
        {
            using var response = await seeding.SocialWork.PostAsJsonAsync("/api/families", new
            {
                children = new[] { new { personId = pupil, name = "Oppilas", birthDate = "2014-01-01" } },
                guardians = new[] { new { name = "Huoltaja", relation = "mother", birthDate = "1985-03-04" } },
                municipality = "Tampere", languages = new[] { "fi" },
            });
            response.EnsureSuccessStatusCode();
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(60) };
        var sender = new SchoolWelfareSender(http, senderId, secret);
        var run = Guid.NewGuid().ToString("N")[..8];
        var bodies = new[] { 0, 1, 2, 3 }.Select(i => Message($"warm-{run}-{i}", pupils[i % pupils.Count])).ToArray();
        foreach (var body in bodies)
        {
            using var warm = await sender.SendAsync(body);
        }

        async Task<bool> Send(int i)
        {
            using var response = await sender.SendAsync(Message($"{run}-{i}", pupils[i % pupils.Count]));
            return response.StatusCode == System.Net.HttpStatusCode.Accepted;
        }

        var started = Stopwatch.StartNew();
        var intake = await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(options.Seconds), Send);
        var accepted = intake.Operations + bodies.Length;
        var drainStarted = started.Elapsed;
        while (await ProcessedAsync(dataSource, schema) < accepted && started.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(50);
        }
        var processedIn = started.Elapsed;
        var rawIntake = await Load.ClosedLoopAsync(options.Concurrency, TimeSpan.FromSeconds(options.Seconds), raw.AcceptAsync);
        return new Result(intake, rawIntake, accepted / processedIn.TotalSeconds, processedIn - drainStarted, pupils.Count);
    }

    private static async Task<long> ProcessedAsync(NpgsqlDataSource dataSource, string schema)
    {
#pragma warning disable CA2100 // our schema name
        await using var command = dataSource.CreateCommand($"select count(*) from {schema}.mt_doc_inboundmessage where data ->> 'status' = 'processed'");
#pragma warning restore CA2100
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static byte[] Message(string messageId, string personId) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        messageId, schemaVersion = "1.0", type = "absence-alert", sentAt = DateTimeOffset.UtcNow.AddSeconds(-5), municipality = "Tampere",
        pupil = new { personId, name = "Oppilas", birthDate = "2014-01-01" },
        school = new { id = "school-bench", name = "Benchmark school" },
        payload = new { from = "2026-10-01", to = "2026-11-20", absentHours = 40, unexplainedHours = 12, note = "Poissaoloja maanantaisin." },
        legalBasis = "lsl-25",
    }, Web));

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>A valid identity code (check character, century sign A) for pupil number <paramref name="n"/>.</summary>
    public static string PersonId(int n)
    {
        var individual = 100 + n;
        return $"010114A{individual:000}{Coordination.Identity.PersonalIdentityCode.CheckCharacter(10114, individual)}";
    }
}
