using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Coordination.EmbeddedPostgres;

/// <summary>
/// A private PostgreSQL cluster in a data directory of our own: created on first use, started on a free
/// loopback port, stopped by <see cref="DisposeAsync"/>. Its data survives restarts. Only 127.0.0.1 listens,
/// and the superuser has a random password kept beside the cluster (mode 600).
/// </summary>
public sealed class EmbeddedPostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private EmbeddedPostgresCluster(string binDirectory, string root, int port, string password)
    {
        _binDirectory = binDirectory;
        _root = root;
        _asPostgresUser = ProcessUser.IsRoot;
        Port = port;
        Password = password;
    }

    public int Port { get; private set; }
    private string Password { get; }
    public string ClusterDirectory => Path.Combine(_root, "cluster");

    /// <summary>A connection string for <paramref name="database"/> in this cluster.</summary>
    public string ConnectionString(string database) => ConnectionString(database, Port);

    private string ConnectionString(string database, int port) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates the cluster if needed, starts it (or adopts one a killed process left running) and returns it.</summary>
    /// <param name="searchSystem">False: look only in <paramref name="binDirectory"/>, not on PATH and the usual places.</param>
    public static async Task<EmbeddedPostgresCluster> StartAsync(string dataDirectory, string? binDirectory = null,
        bool searchSystem = true, CancellationToken cancellationToken = default)
    {
        var bin = PostgresBinaries.Find(binDirectory, searchSystem) ?? throw new EmbeddedPostgresUnavailableException(PostgresBinaries.HowToFix);
        var root = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(root);
        var password = await ReadOrCreatePasswordAsync(root, cancellationToken);

        var cluster = new EmbeddedPostgresCluster(bin, root, 0, password);
        await cluster.InitialiseIfNeededAsync(password, cancellationToken);
        await cluster.StartServerAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Creates <paramref name="database"/> unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }
        await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it at the same moment.
        }
    }

    private static async Task<string> ReadOrCreatePasswordAsync(string root, CancellationToken ct)
    {
        var file = Path.Combine(root, "superuser.password");
        if (File.Exists(file))
        {
            return (await File.ReadAllTextAsync(file, ct)).Trim();
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllTextAsync(file, password, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return password;
    }

    private async Task InitialiseIfNeededAsync(string password, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            return;
        }
        if (Directory.Exists(ClusterDirectory))
        {
            Directory.Delete(ClusterDirectory, recursive: true); // a half-made cluster from an interrupted initdb
        }
        Directory.CreateDirectory(ClusterDirectory);
        await HandToPostgresUserAsync(ClusterDirectory, ct);
        // initdb reads the password from a file only the user running it can read (initdb wants the cluster
        // directory empty, so the file sits beside it); removed right after.
        var pwfile = Path.Combine(_root, ".initdb-password");
        await File.WriteAllTextAsync(pwfile, password, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pwfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await HandToPostgresUserAsync(pwfile, ct);

        var (code, output) = await RunAsync("initdb",
            ["-D", ClusterDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={pwfile}", "-E", "UTF8",
             "--locale=C", "--no-instructions"], ct);
        File.Delete(pwfile);
        if (code != 0)
        {
            throw new InvalidOperationException($"initdb failed ({code}): {output}");
        }
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var running = RunningPort();
        if (running is not null && await AcceptsConnectionsAsync(running.Value, ct))
        {
            // A cluster left running by a process that was killed: adopt it and stop it when we stop.
            Port = running.Value;
            return;
        }

        Port = Loopback.FreePort();
        var log = Path.Combine(ClusterDirectory, "server.log");
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {ClusterDirectory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on");
        var (code, output) = await RunAsync("pg_ctl", ["-D", ClusterDirectory, "-o", options, "-l", log, "-w", "-t", "60", "start"], ct);
        if (code != 0)
        {
            var tail = File.Exists(log) ? string.Join('\n', (await File.ReadAllLinesAsync(log, ct)).TakeLast(20)) : "";
            throw new InvalidOperationException($"PostgreSQL did not start ({code}): {output}\n{tail}");
        }
    }

    /// <summary>The port of a server recorded in postmaster.pid, if one is recorded.</summary>
    private int? RunningPort()
    {
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString("postgres", port)) { Timeout = 3, Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }


    private async Task HandToPostgresUserAsync(string directory, CancellationToken ct)
    {
        if (!_asPostgresUser)
        {
            return;
        }
        var (code, output) = await ProcessUser.RunAsync("chown", ["-R", "postgres:postgres", directory], asPostgresUser: false, CommandTimeout);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"Running as root, the cluster must belong to the 'postgres' OS user, but chown failed: {output}");
        }
        // Every directory above the cluster must be traversable by that user.
        for (var dir = Path.GetDirectoryName(directory); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(dir);
                if (!mode.HasFlag(UnixFileMode.OtherExecute))
                {
                    throw new InvalidOperationException(
                        $"The 'postgres' OS user cannot reach {directory}: {dir} is not traversable. " +
                        "Choose another EmbeddedPostgres:DataDirectory.");
                }
            }
        }
    }

    private Task<(int, string)> RunAsync(string binary, IEnumerable<string> args, CancellationToken ct)
    {
        _ = ct;
        return ProcessUser.RunAsync(Path.Combine(_binDirectory, binary), args, _asPostgresUser, CommandTimeout);
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected, committed data is safe).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await RunAsync("pg_ctl", ["-D", ClusterDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
    }
}

public sealed class EmbeddedPostgresUnavailableException(string message) : Exception(message);
