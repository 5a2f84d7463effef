using System.Net.Http.Headers;
using Coordination.Hosting;
using JasperFx.CommandLine;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The real service (Marten, Wolverine, the HTTP pipeline, authentication) on its own schema of the shared
/// PostgreSQL: one per test class, so classes never see each other's data or daemons.
/// </summary>
public class CoordinationHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";
    private bool _started;

    public CoordinationHost()
    {
        // Program ends with RunJasperFxCommands(args); without this the test host is built but never started.
        JasperFxEnvironment.AutoStartHost = true;
    }

    /// <summary>A schema name unique to the fixture type and this run.</summary>
    protected virtual string SchemaName => "t_" + GetType().Name.ToLowerInvariant()[..Math.Min(20, GetType().Name.Length)]
                                           + "_" + Guid.NewGuid().ToString("N")[..8];

    public string Schema { get; private set; } = "";

    /// <summary>The key that encrypts school senders' secrets: one per test run, so a restarted host still reads them.</summary>
    public static readonly string SecretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public async ValueTask InitializeAsync()
    {
        _connectionString = await PostgresServer.ConnectionString;
        Schema = SchemaName;
        Start(); // start the host now, so a broken start fails here and not inside a test
        _started = true;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Coordination", _connectionString);
        builder.UseSetting("Storage:Schema", Schema);
        builder.UseSetting("Wolverine:Solo", "true");
        builder.UseSetting("SchoolWelfare:SecretKey", SecretKey);
        // Tests drive one caller far harder than a person would (polling, 100 writers); the limit has its own test.
        builder.UseSetting("RateLimiting:Burst", "100000");
        builder.UseSetting("RateLimiting:PerSecond", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Answers));
        ConfigureMore(builder);
    }

    /// <summary>Starts the host: in memory by default; a host listening on a port starts its server instead.</summary>
    protected virtual void Start() => _ = Server;

    /// <summary>For fixtures that need another environment or setting.</summary>
    protected virtual void ConfigureMore(IWebHostBuilder builder)
    {
    }

    /// <summary>Every line the service logged, formatted as it would be written, to prove what never appears in logs.</summary>
    public CapturedLogs Logs { get; } = new();

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <summary>An HTTP client that acts as <paramref name="who"/>.</summary>
    public HttpClient ClientFor(Caller who)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(who));
        return client;
    }

    public string TokenFor(Caller who, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null) =>
        Services.GetRequiredService<TokenSigning>()
            .Issue(who.Id, who.Name, who.Org, who.Agency, who.Roles, lifetime ?? TimeSpan.FromHours(1), issuedAt ?? DateTimeOffset.UtcNow);

    /// <summary>Every event of one family stream, read straight from the store.</summary>
    public async Task<IReadOnlyList<IEvent>> EventsOf(string org, Guid familyId)
    {
        await using var session = Store.QuerySession(org);
        return await session.Events.FetchStreamAsync(familyId);
    }

    /// <summary>
    /// How many facts an organisation holds in all, to prove a refused request wrote nothing. Marten's own
    /// "tombstone" events, which fill the sequence numbers of rolled-back transactions, are not facts.
    /// </summary>
    public async Task<int> EventCount(string org)
    {
        await using var session = Store.QuerySession(org);
        return await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != "tombstone").CountAsync();
    }

    public IMessageBus Bus => Services.CreateScope().ServiceProvider.GetRequiredService<IMessageBus>();

    /// <summary>Every answer this host gave, to be checked against its OpenAPI document when it is disposed.</summary>
    public DocumentedAnswers Answers { get; } = new();

    public new async ValueTask DisposeAsync()
    {
        IReadOnlyList<string> undocumented = [];
        if (_started)
        {
            try
            {
                var document = System.Text.Json.Nodes.JsonNode.Parse(await CreateClient().GetStringAsync("/openapi/v1.json"))!;
                undocumented = Answers.Undocumented(document, out var checkedCount);
                var invalid = Answers.Invalid(document, out var bodies);
                SuiteFigures.AnswersChecked(checkedCount, undocumented.Count, bodies, invalid);
                undocumented = [.. undocumented, .. invalid];
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or ObjectDisposedException)
            {
                // A host a test stopped on purpose (a restart) has no document to read: its answers were checked by its successor.
            }
        }
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (undocumented.Count > 0)
        {
            throw new InvalidOperationException("Answers the OpenAPI document does not describe:\n" + string.Join("\n", undocumented));
        }
    }
}

/// <summary>A professional as the tests act: claims of a bearer token.</summary>
public sealed record Caller(string Id, string Name, string Org, string Agency, params string[] Roles)
{
    public static Caller SocialWorker(string org = Orgs.Pirkanmaa) =>
        new($"sw-{Guid.NewGuid():N}"[..12], "Sanna Sosiaalityöntekijä", org, "social-work", "caseworker");

    public static Caller Psychiatrist(string org = Orgs.Pirkanmaa) =>
        new($"psy-{Guid.NewGuid():N}"[..12], "Pekka Psykiatri", org, "child-psychiatry", "clinician");

    public static Caller Kuraattori(string org = Orgs.Pirkanmaa) =>
        new($"kur-{Guid.NewGuid():N}"[..12], "Kaisa Kuraattori", org, "school-welfare", "caseworker");

    public static Caller FamilyWorker(string org = Orgs.Pirkanmaa) =>
        new($"fw-{Guid.NewGuid():N}"[..12], "Fanni Perhetyöntekijä", org, "family-work", "caseworker");

    public static Caller Auditor(string org = Orgs.Pirkanmaa) =>
        new($"aud-{Guid.NewGuid():N}"[..12], "Aaro Auditoija", org, "audit", "auditor");
}

public static class Orgs
{
    public const string Pirkanmaa = "county-pirkanmaa";
    public const string Uusimaa = "county-ita-uusimaa";
}
