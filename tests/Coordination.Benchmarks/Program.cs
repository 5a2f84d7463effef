namespace Coordination.Benchmarks;

/// <summary>The command line. (Not top-level statements: the tests reference both this and the service's Program.)</summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }
        var results = await BenchmarkRunner.RunAsync(options, Console.Out);
        return results.Count > 0 ? 0 : 1;
    }
}
