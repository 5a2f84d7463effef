using Coordination.EmbeddedPostgres;

namespace Coordination.Hosting;

public static class Database
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
        // Disposed (and so stopped) with the host's service provider.
        builder.Services.AddSingleton(cluster);
        return cluster.ConnectionString(options.Database);
    }
}
