using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Coordination.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Benchmarks;

/// <summary>
/// The real service in its own process (Production settings, Kestrel on loopback), so that HTTP, authentication and
/// serialisation are all in the figures and its memory can be read on its own.
/// </summary>
public sealed class ServiceUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TokenSigning _signing;

    private ServiceUnderTest(Process process, Uri address, TokenSigning signing)
    {
        _process = process;
        Address = address;
        _signing = signing;
    }

    public Uri Address { get; }

    /// <summary>The service's process id, for a profiler to attach to.</summary>
    public int ProcessId => _process.Id;

    /// <param name="key">The token signing key; a restarted service must be given the first one's.</param>
    /// <param name="schoolSecretKey">The key of the school senders' secrets (base64); likewise.</param>
    /// <param name="settings">More configuration, as environment variables (<c>Section__Key</c>); they win over the defaults here.</param>
    public static async Task<ServiceUnderTest> StartAsync(string connectionString, string schema, byte[]? key = null, string? schoolSecretKey = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        key ??= RandomNumberGenerator.GetBytes(32);
        var port = Coordination.EmbeddedPostgres.Loopback.FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Coordination.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Coordination"] = connectionString;
        info.Environment["Storage__Schema"] = schema;
        info.Environment["Auth__SigningKey"] = Convert.ToBase64String(key);
        info.Environment["SchoolWelfare__SecretKey"] = schoolSecretKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        info.Environment["Wolverine__Solo"] = "true";
        // The load generator is a handful of callers at hundreds of requests a second: not what the per-caller limit is for.
        info.Environment["RateLimiting__Burst"] = "1000000";
        info.Environment["RateLimiting__PerSecond"] = "1000000";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the service.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceUnderTest(process, new Uri($"http://127.0.0.1:{port}"),
            new TokenSigning("coordination", "coordination-api", new SymmetricSecurityKey(key)));
        using var probe = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(5) };
        for (var until = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < until && !process.HasExited;)
        {
            try
            {
                if (await probe.GetStringAsync("/health/ready") == "Healthy")
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        await service.DisposeAsync();
        throw new InvalidOperationException("The service did not become ready.");
    }

    /// <summary>A client acting as one professional, sharing one connection pool per client.</summary>
    public HttpClient ClientFor(string sub, string agency, string role, string org = Seeding.Org)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            _signing.Issue(sub, sub, org, agency, [role], TimeSpan.FromHours(4), DateTimeOffset.UtcNow));
        return client;
    }

    /// <summary>The service process's peak resident memory (VmHWM), in MiB.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kib = line is null ? _process.PeakWorkingSet64 / 1024.0
            : double.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        return kib / 1024.0;
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything (a power cut, the OOM killer).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
