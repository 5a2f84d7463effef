using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Operations;

/// <summary>
/// The service as `dotnet run` starts it: its own process, no connection string, the embedded default. It must come up
/// ready, keep a registered family across a restart, and stop its PostgreSQL when it is stopped.
/// </summary>
public sealed class TheServiceProcess : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"coordination-service-{Guid.NewGuid():N}");

    [Fact]
    public async Task on_the_embedded_default_it_is_ready_keeps_a_family_across_a_restart_and_stops_its_database()
    {
        Guid familyId;
        using (var first = await ServiceProcess.StartAsync(_dataDirectory))
        {
            var client = await first.ClientAsync();
            familyId = await client.RegisterFamily();
            await first.StopAsync();
        }
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "cluster", "postmaster.pid")), "PostgreSQL was left running.");

        using var second = await ServiceProcess.StartAsync(_dataDirectory);
        var again = await second.ClientAsync();
        var picture = await (await again.GetAsync($"/api/families/{familyId}/picture")).Ok();
        Assert.Equal(familyId.ToString(), picture["familyId"]!.GetValue<string>());
        await second.StopAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process _process;
        private readonly Uri _address;

        private ServiceProcess(Process process, Uri address)
        {
            _process = process;
            _address = address;
        }

        public static async Task<ServiceProcess> StartAsync(string dataDirectory)
        {
            var port = Coordination.EmbeddedPostgres.Loopback.FreePort();
            var info = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "--urls", $"http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!,
            };
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            info.Environment["EmbeddedPostgres__DataDirectory"] = dataDirectory;
            info.Environment.Remove("ConnectionStrings__Coordination");
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
            using var probe = new HttpClient { BaseAddress = service._address, Timeout = TimeSpan.FromSeconds(5) };
            var until = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < until && !process.HasExited)
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
                await Task.Delay(500);
            }
            service.Dispose();
            throw new TimeoutException("The service did not become ready.");
        }

        public async Task<HttpClient> ClientAsync()
        {
            var client = new HttpClient { BaseAddress = _address };
            var response = await client.PostAsJsonAsync("/dev/tokens",
                new { sub = "sw-process", name = "Sanna", org = Orgs.Pirkanmaa, agency = "social-work", roles = new[] { "caseworker" } });
            var token = (await response.Ok())["token"]!.GetValue<string>();
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return client;
        }

        /// <summary>SIGTERM, as an orchestrator or Ctrl+C would stop it, then wait for a clean exit.</summary>
        public async Task StopAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(timeout.Token);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }
}
