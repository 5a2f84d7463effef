using System.Diagnostics;

namespace Coordination.Benchmarks;

/// <summary>Latencies of one measured phase and its rate.</summary>
public sealed record Measurement(int Operations, int Failures, TimeSpan Elapsed, double[] LatenciesMs)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

public static class Load
{
    /// <summary>Closed loop: <paramref name="concurrency"/> workers, each doing one operation after another, for a time.</summary>
    public static async Task<Measurement> ClosedLoopAsync(int concurrency, TimeSpan duration, Func<int, Task<bool>> operation)
    {
        var latencies = new List<double>[concurrency];
        var failures = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            var i = w;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await operation(i);
                if (ok)
                {
                    latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
                i += concurrency;
            }
        }).ToList();
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).ToArray();
        return new Measurement(all.Length, failures, stopwatch.Elapsed, all);
    }

    /// <summary>
    /// Open loop at a fixed rate: operations start on schedule whether or not earlier ones finished, and latency counts
    /// from the scheduled start, so a stall shows up in the percentiles instead of slowing the load (no coordinated omission).
    /// </summary>
    public static async Task<Measurement> FixedRateAsync(double perSecond, TimeSpan duration, Func<int, Task<bool>> operation,
        int maxInFlight = 64, CancellationToken stop = default)
    {
        using var inFlight = new SemaphoreSlim(maxInFlight);
        var count = (int)(perSecond * duration.TotalSeconds);
        var latencies = new double[count];
        var ok = new bool[count];
        var stopwatch = Stopwatch.StartNew();
        var tasks = new List<Task>(count);
        var scheduled = 0;
        for (var i = 0; i < count && !stop.IsCancellationRequested; i++, scheduled++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - stopwatch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                // Waiting for a free slot is part of the latency: it is measured from the scheduled start.
                await inFlight.WaitAsync();
                try
                {
                    ok[index] = await operation(index);
                }
                finally
                {
                    inFlight.Release();
                }
                latencies[index] = (stopwatch.Elapsed - due).TotalMilliseconds;
            }, CancellationToken.None)); // a started operation runs to its end; only scheduling stops
        }
        await Task.WhenAll(tasks);
        var good = latencies.Take(scheduled).Where((_, i) => ok[i]).ToArray();
        return new Measurement(good.Length, scheduled - good.Length, stopwatch.Elapsed, good);
    }
}
