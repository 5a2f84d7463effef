namespace Coordination.Hosting;

public static class Logging
{
    /// <summary>
    /// Structured JSON logs. What we log is ids, routes, statuses and timings: never request bodies, personal identity
    /// codes or case-note text. Framework categories that could echo SQL parameters or bodies are kept at Warning.
    /// </summary>
    public static void ConfigureLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = false;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Logging.AddFilter("Marten", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    }
}
