using System.Diagnostics;

namespace Coordination.EmbeddedPostgres;

/// <summary>Finds a directory holding the PostgreSQL server binaries (initdb, pg_ctl, postgres).</summary>
public static class PostgresBinaries
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    public const string HowToFix =
        "No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found on PATH, through `pg_config --bindir`, " +
        "or under /usr/lib/postgresql/*/bin. Install PostgreSQL 15 or later (Debian/Ubuntu: `apt-get install postgresql`; " +
        "macOS: `brew install postgresql@15`), or point the service at an existing database by setting " +
        "ConnectionStrings:Coordination (environment variable ConnectionStrings__Coordination).";

    /// <summary>The first directory, in the documented search order, that holds every server binary; null if none does.</summary>
    public static string? Find(string? configuredDirectory = null, bool searchSystem = true)
    {
        var candidates = searchSystem
            ? Candidates(configuredDirectory)
            : string.IsNullOrWhiteSpace(configuredDirectory) ? [] : [configuredDirectory];
        foreach (var candidate in candidates)
        {
            if (Required.All(b => File.Exists(Path.Combine(candidate, b))))
            {
                return candidate;
            }
        }
        return null;
    }

    private static IEnumerable<string> Candidates(string? configuredDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            yield return configuredDirectory;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir;
        }

        var fromPgConfig = PgConfigBinDir();
        if (fromPgConfig is not null)
        {
            yield return fromPgConfig;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            // Highest major version first.
            foreach (var dir in Directory.GetDirectories(debianRoot)
                         .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            var info = new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed
        }
    }
}
