using Coordination.EmbeddedPostgres;
using Npgsql;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>The embedded default the service starts with when no connection string is configured.</summary>
public sealed class EmbeddedLauncherTests
{
    [Fact]
    public async Task a_cluster_keeps_its_data_across_a_stop_and_a_start()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"coordination-launcher-{Guid.NewGuid():N}");
        try
        {
            await using (var first = await EmbeddedPostgresCluster.StartAsync(directory))
            {
                await first.EnsureDatabaseAsync("kept");
                await Execute(first.ConnectionString("kept"), "create table fact(v text); insert into fact values ('still here')");
            }

            await using var second = await EmbeddedPostgresCluster.StartAsync(directory);
            await using var connection = new NpgsqlConnection(second.ConnectionString("kept"));
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("select v from fact", connection);
            Assert.Equal("still here", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task a_cluster_left_running_by_a_killed_process_is_adopted()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"coordination-launcher-{Guid.NewGuid():N}");
        try
        {
            var first = await EmbeddedPostgresCluster.StartAsync(directory);
            // No DisposeAsync: as if the process had been killed. The server keeps running.
            await using var second = await EmbeddedPostgresCluster.StartAsync(directory);
            Assert.Equal(first.Port, second.Port);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task without_server_binaries_the_launcher_says_how_to_fix_it()
    {
        var empty = Directory.CreateTempSubdirectory("coordination-nobin-");
        try
        {
            var e = await Assert.ThrowsAsync<EmbeddedPostgresUnavailableException>(() =>
                EmbeddedPostgresCluster.StartAsync(Path.Combine(empty.FullName, "data"), empty.FullName, searchSystem: false));
            Assert.Contains("Install PostgreSQL", e.Message, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings:Coordination", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
