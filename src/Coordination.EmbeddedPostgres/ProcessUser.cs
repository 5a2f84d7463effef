using System.Diagnostics;

namespace Coordination.EmbeddedPostgres;

internal static class ProcessUser
{
    public static bool IsRoot => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? Environment.UserName == "root"
        : false;

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, bool asPostgresUser,
        TimeSpan timeout)
    {
        ProcessStartInfo info;
        if (asPostgresUser)
        {
            // PostgreSQL refuses to run as root: run it as the postgres OS user.
            info = new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", file } };
        }
        else
        {
            info = new ProcessStartInfo(file);
        }
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        // pg_ctl starts the postmaster detached; do not let it inherit our culture-specific messages.
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
