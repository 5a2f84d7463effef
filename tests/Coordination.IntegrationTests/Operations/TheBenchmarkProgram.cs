using System.Text.Json;
using Coordination.Benchmarks;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Operations;

/// <summary>
/// CI proves the benchmark program still works (its --quick mode, on the suite's PostgreSQL). It judges no speed: the
/// figures only have to exist, be finite and come with their baselines.
/// </summary>
public sealed class TheBenchmarkProgram
{
    private static readonly string[] Measured =
        ["command-throughput", "command-p99", "picture-read-throughput", "picture-read-p99", "time-travel-p99", "agenda-lag-p99", "school-intake-rate",
         "school-intake-p99", "school-processed-rate", "rebuild-rate", "peak-memory"];

    [Fact]
    public async Task the_quick_mode_measures_every_figure_beside_its_baseline_and_writes_the_json()
    {
        var file = Path.Combine(Path.GetTempPath(), $"coordination-bench-{Guid.NewGuid():N}.json");
        var options = BenchOptions.Parse(["--quick", "--json", file])! with { ConnectionString = await PostgresServer.ConnectionString };
        using var output = new StringWriter();

        var results = await BenchmarkRunner.RunAsync(options, output);

        var json = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        File.Delete(file);
        Assert.Equal(results.Count, json.GetArrayLength());
        foreach (var metric in Measured)
        {
            var row = json.EnumerateArray().Single(r => r.GetProperty("metric").GetString() == metric);
            Assert.True(row.GetProperty("value").GetDouble() > 0, $"{metric} has no value");
            Assert.False(string.IsNullOrEmpty(row.GetProperty("unit").GetString()));
            if (metric != "peak-memory")
            {
                Assert.True(row.GetProperty("baselineValue").GetDouble() > 0, $"{metric} has no baseline");
                Assert.True(row.GetProperty("ratio").GetDouble() > 0, $"{metric} has no ratio");
            }
        }
        Assert.Equal(0, results.Single(r => r.Metric == "command-failures").Value);
        // The agenda is kept in the transaction of the write: no read after an acknowledged write may miss it.
        Assert.Equal(0, results.Single(r => r.Metric == "agenda-stale-reads").Value);
        Assert.Equal(0, results.Single(r => r.Metric == "school-intake-failures").Value);
        Assert.Contains("command-throughput", output.ToString(), StringComparison.Ordinal);
    }

    private static readonly string[] CountyReads =
        ["picture-read", "worklist", "deadline-page", "deadline-page-admin", "access-log-page", "search", "caseload", "agenda", "report", "time-travel"];

    /// <summary>
    /// The county mode, small: its data set is built through the decide functions and the event store with no refused
    /// write, the service starts on it, and every read and the commands have a figure, a baseline and no failed request.
    /// </summary>
    [Fact]
    public async Task the_county_mode_builds_its_data_set_and_measures_every_read_beside_its_baseline()
    {
        var options = BenchOptions.Parse(["--county", "--quick", "--families", "120", "--seconds", "1"])!
            with { ConnectionString = await PostgresServer.ConnectionString };
        using var output = new StringWriter();

        var results = await BenchmarkRunner.RunAsync(options, output);

        double Value(string metric) => results.Single(r => r.Metric == metric).Value;
        Assert.Equal(120, Value("county-families"));
        // 120 families and a family of a thousand facts: the long one alone is 1,000.
        Assert.True(Value("county-facts") > 120 * 20 + 1000, $"only {Value("county-facts")} facts");
        Assert.True(Value("county-access-log-rows") >= 120 * 20);
        Assert.True(Value("service-start") > 0);
        foreach (var read in CountyReads)
        {
            var p99 = results.Single(r => r.Metric == $"{read}-p99");
            Assert.True(p99.Value > 0 && p99.BaselineValue > 0 && p99.Ratio > 0, $"{read} has no figure beside its baseline");
            Assert.Equal(0, Value($"{read}-failures"));
        }
        Assert.True(Value("command-throughput") > 0);
        Assert.Equal(0, Value("command-failures"));
    }
}
