using Coordination.Benchmarks;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
var results = await BenchmarkRunner.RunAsync(options, Console.Out);
return results.Count > 0 ? 0 : 1;
