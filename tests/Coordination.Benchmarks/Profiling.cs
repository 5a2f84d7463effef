using System.Diagnostics;

namespace Coordination.Benchmarks;

/// <summary>
/// A closed loop under a profiler (the benchmark's commands; in county mode, picture reads on the county set), while <c>dotnet-trace</c> (the
/// repository's local tool, <c>dotnet tool restore</c>) samples the service's threads; then the trace's top methods.
/// </summary>
public static class Profiling
{
    public static async Task<List<BenchResult>> TraceAsync(ServiceUnderTest service, string file, BenchOptions options,
        Func<int, Task<bool>> command, TextWriter output, string what = "command")
    {
        var duration = TimeSpan.FromSeconds(options.Seconds);
        using var trace = Process.Start(new ProcessStartInfo("dotnet",
            ["dotnet-trace", "collect", "-p", $"{service.ProcessId}", "--profile", "dotnet-sampled-thread-time", "-o", file,
             "--duration", $"00:00:{(int)duration.TotalMinutes:D2}:{duration.Seconds:D2}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start dotnet-trace (run `dotnet tool restore`).");
        trace.OutputDataReceived += (_, _) => { };
        trace.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { output.WriteLine($"dotnet-trace: {line}"); } };
        trace.BeginOutputReadLine();
        trace.BeginErrorReadLine();
        await Task.Delay(TimeSpan.FromSeconds(2)); // the session attaches
        var commands = await Load.ClosedLoopAsync(options.Concurrency, duration, command);
        await trace.WaitForExitAsync();
        output.WriteLine($"Traced {commands.Operations} {what}s ({commands.PerSecond:0} /s) into {file}.");
        foreach (var inclusive in new[] { false, true })
        {
            using var report = Process.Start(new ProcessStartInfo("dotnet",
                ["dotnet-trace", "report", file, "topN", "-n", "40", .. inclusive ? new[] { "--inclusive" } : []])
            {
                RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            output.WriteLine(await report.StandardOutput.ReadToEndAsync());
            await report.WaitForExitAsync();
        }
        return [new BenchResult($"traced-{what}-throughput", Math.Round(commands.PerSecond, 2), $"{what}s/s", null, null)];
    }
}
