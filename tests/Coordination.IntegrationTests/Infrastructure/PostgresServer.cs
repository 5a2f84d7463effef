using Coordination.EmbeddedPostgres;
using Npgsql;
using Testcontainers.PostgreSql;

[assembly: AssemblyFixture(typeof(Coordination.IntegrationTests.Infrastructure.PostgresServer))]

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The PostgreSQL every test class of this run shares, provisioned once in this order: the connection string in
/// COORDINATION_TEST_DATABASE; a Testcontainers PostgreSQL when a Docker engine answers; else the embedded launcher
/// the service itself uses, in a temporary directory removed afterwards. Test classes are isolated by schema.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TaskCompletionSource<string> Ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PostgreSqlContainer? _container;
    private EmbeddedPostgresCluster? _cluster;
    private string? _directory;

    public static Task<string> ConnectionString => Ready.Task;

    public static string Source { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        try
        {
            Ready.SetResult(await ProvisionAsync());
        }
        catch (Exception e)
        {
            Ready.SetException(e);
            throw;
        }
    }

    private async Task<string> ProvisionAsync()
    {
        var configured = Environment.GetEnvironmentVariable("COORDINATION_TEST_DATABASE");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Source = "COORDINATION_TEST_DATABASE";
            return configured;
        }

        if (DockerAnswers())
        {
            try
            {
                _container = new PostgreSqlBuilder("postgres:15-alpine").Build();
                await _container.StartAsync();
                Source = "Testcontainers";
                return _container.GetConnectionString();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _container = null; // an engine that answers but cannot run containers: fall through to embedded
            }
        }

        _directory = Path.Combine(Path.GetTempPath(), $"coordination-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        _cluster = await EmbeddedPostgresCluster.StartAsync(_directory);
        await _cluster.EnsureDatabaseAsync("coordination_tests");
        Source = "embedded";
        return _cluster.ConnectionString("coordination_tests");
    }

    private static bool DockerAnswers()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host))
        {
            return true;
        }
        return File.Exists("/var/run/docker.sock") || File.Exists(Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp directory is cleaned by the OS.
            }
        }
    }
}
