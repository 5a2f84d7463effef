namespace Coordination.EmbeddedPostgres;

/// <summary>Configuration section <c>EmbeddedPostgres</c>.</summary>
public sealed class EmbeddedPostgresOptions
{
    public const string Section = "EmbeddedPostgres";

    /// <summary>Where the private cluster lives. Defaults to <see cref="DefaultDataDirectory"/>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Directory of initdb/pg_ctl/postgres; searched for when not set.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Database the service uses inside the cluster.</summary>
    public string Database { get; set; } = "coordination";

    /// <summary>
    /// Per-user default. As root the home directory is usually mode 700, which the <c>postgres</c> OS user that
    /// runs the server cannot traverse, so root gets a system location instead.
    /// </summary>
    public static string DefaultDataDirectory()
    {
        if (ProcessUser.IsRoot)
        {
            return "/var/lib/coordination/embedded-postgres";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(dataHome, "coordination", "embedded-postgres");
    }
}
