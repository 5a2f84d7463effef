using System.Globalization;

namespace Coordination.Benchmarks;

public sealed record BenchOptions
{
    public const string Usage = """
        Coordination benchmark: every figure beside a raw-PostgreSQL baseline measured in the same run.
          dotnet run -c Release --project tests/Coordination.Benchmarks -- [--quick] [--json FILE] [--connection CS]
                     [--families N] [--concurrency N] [--seconds N] [--county [--rebuild]]
          --quick        small and short (under two minutes), to prove the program works; not for judging speed
          --json FILE    also write the results as a JSON array of { metric, value, unit, baselineValue, ratio }
          --connection   an existing PostgreSQL database instead of a private embedded cluster
          --county       a county's data set (20,000 families, about 1.5 million facts over five years) built through the event
                         store, then every bounded read, time travel and commands on it (about 30 minutes); with --quick, 300 families
          --trace FILE   profile the service's write path: commands for --seconds under dotnet-trace (run `dotnet tool restore`
                         first), written to FILE (.nettrace) with its top methods printed; nothing else is measured. With --county:
                         picture reads on the county set instead
          --set NAME=VALUE   an environment variable for the service process (repeatable), e.g. a runtime knob to compare
          --rebuild      with --county: also rebuild every projection over the whole county (long)
        """;

    public bool Quick { get; init; }
    public string? JsonFile { get; init; }
    public string? ConnectionString { get; init; }
    public int Families { get; init; } = 200;
    public int Concurrency { get; init; } = 8;
    public int Seconds { get; init; } = 20;
    public int TimeTravelEvents { get; init; } = 1000;
    public bool County { get; init; }
    public bool Rebuild { get; init; }
    public string? TraceFile { get; init; }
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>();

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            int? Number() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
            switch (args[i])
            {
                case "--quick":
                    options = options with { Quick = true, Families = 12, Concurrency = 4, Seconds = 3, TimeTravelEvents = 200 };
                    break;
                case "--county":
                    options = options with { County = true };
                    break;
                case "--set" when Next() is { } setting && setting.Split('=', 2) is [{ Length: > 0 } name, var value]:
                    options = options with { ServiceSettings = new Dictionary<string, string>(options.ServiceSettings) { [name] = value } };
                    break;
                case "--trace":
                    options = options with { TraceFile = Next() ?? "" };
                    break;
                case "--rebuild":
                    options = options with { Rebuild = true };
                    break;
                case "--json":
                    options = options with { JsonFile = Next() ?? "" };
                    break;
                case "--connection":
                    options = options with { ConnectionString = Next() };
                    break;
                case "--families" when Number() is { } families:
                    options = options with { Families = families };
                    break;
                case "--concurrency" when Number() is { } concurrency:
                    options = options with { Concurrency = concurrency };
                    break;
                case "--seconds" when Number() is { } seconds:
                    options = options with { Seconds = seconds };
                    break;
                default:
                    return null;
            }
        }
        if (options.County && !args.Contains("--families"))
        {
            options = options with { Families = options.Quick ? 300 : 20_000 };
        }
        if (options.County && !options.Quick && !args.Contains("--seconds"))
        {
            options = options with { Seconds = 15 };
        }
        return options.JsonFile == "" || options.TraceFile == "" ? null : options;
    }
}
