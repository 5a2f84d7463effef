using Coordination.EmbeddedPostgres;

namespace Coordination.Hosting;

public static partial class Database
{
    public const string ConnectionStringName = "Coordination";

    /// <summary>
    /// The configured <c>ConnectionStrings:Coordination</c>, or else the embedded default: a private cluster started
    /// now and stopped when the host is disposed.
    /// </summary>
    public static async Task<string> ResolveConnectionStringAsync(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var options = builder.Configuration.GetSection(EmbeddedPostgresOptions.Section).Get<EmbeddedPostgresOptions>()
                      ?? new EmbeddedPostgresOptions();
        var cluster = await EmbeddedPostgresCluster.StartAsync(
            options.DataDirectory ?? EmbeddedPostgresOptions.DefaultDataDirectory(), options.BinDirectory);
        await cluster.EnsureDatabaseAsync(options.Database);
        // The container does not dispose instances it did not create, so a hosted service stops the cluster.
        builder.Services.AddSingleton(cluster);
        builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        return cluster.ConnectionString(options.Database);
    }
}

/// <summary>Stops the embedded cluster when the service stops (after Wolverine and Marten, which started after it).</summary>
public sealed partial class EmbeddedPostgresLifetime(EmbeddedPostgresCluster cluster, ILogger<EmbeddedPostgresLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started(logger, cluster.Port, cluster.ClusterDirectory);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await cluster.DisposeAsync();
        Stopped(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL is running on 127.0.0.1:{Port} with its data in {Directory}")]
    private static partial void Started(ILogger logger, int port, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL stopped")]
    private static partial void Stopped(ILogger logger);
}
