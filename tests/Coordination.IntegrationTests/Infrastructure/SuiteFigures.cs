using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

[assembly: AssemblyFixture(typeof(Coordination.IntegrationTests.Infrastructure.SuiteReport))]

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>
/// The figures issue 9 asks the suite to report at its end. Tests add to them only what they checked: a write
/// counts once it was found in its stream, a fault once the service was shown to have survived it, a hostile request
/// once its answer was the documented one, an authorization case once its answer matched the rule.
/// </summary>
public static class SuiteFigures
{
    private static long _writes;
    private static long _hostileSent;
    private static long _hostileCorrect;
    private static long _authorizationCases;
    private static long _leakCases;
    private static long _leaksFound;
    private static long _answersChecked;
    private static long _answersUndocumented;
    private static long _bodiesChecked;
    private static long _bodiesInvalid;
    private static readonly ConcurrentQueue<string> Faults = new();

    /// <summary>Issue 17: answers of the suite checked against the operation's documented responses, and those it does not list.</summary>
    /// <remarks>An undocumented status, or a body that does not match its schema, fails its test class; both are counted here.</remarks>
    public static void AnswersChecked(long count, long undocumented, long bodies, IReadOnlyList<string> invalidBodies)
    {
        Interlocked.Add(ref _answersChecked, count);
        Interlocked.Add(ref _answersUndocumented, undocumented);
        Interlocked.Add(ref _bodiesChecked, bodies);
        Interlocked.Add(ref _bodiesInvalid, invalidBodies.Count);
        foreach (var body in invalidBodies)
        {
            InvalidBodies.TryAdd(body.Split(':')[0], 0);
        }
    }

    private static readonly ConcurrentDictionary<string, byte> InvalidBodies = new();

    public static void WritesVerified(long count) => Interlocked.Add(ref _writes, count);

    public static void FaultSurvived(string what) => Faults.Enqueue(what);

    public static void HostileRequests(long sent, long answeredCorrectly)
    {
        Interlocked.Add(ref _hostileSent, sent);
        Interlocked.Add(ref _hostileCorrect, answeredCorrectly);
    }

    public static void AuthorizationCasesChecked(long count) => Interlocked.Add(ref _authorizationCases, count);

    /// <summary>The leak matrix (issue 15): route x caller x marker cases judged against docs/sharing.md, and the leaks among them.</summary>
    public static void LeakMatrixChecked(long cases, long leaks)
    {
        Interlocked.Add(ref _leakCases, cases);
        Interlocked.Add(ref _leaksFound, leaks);
    }

    public static string Report()
    {
        var faults = Faults.ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reliability and security figures of this run:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  writes acknowledged and verified in their streams: {Interlocked.Read(ref _writes):N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  faults injected and survived: {faults.Length:N0}");
        foreach (var fault in faults.GroupBy(f => f).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {fault.Count()} x {fault.Key}");
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  hostile requests sent: {Interlocked.Read(ref _hostileSent):N0}, answered as documented: {Interlocked.Read(ref _hostileCorrect):N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  authorization cases checked: {Interlocked.Read(ref _authorizationCases):N0}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  leak matrix cases (route x caller x marker) checked: {Interlocked.Read(ref _leakCases):N0}, leaks found: {Interlocked.Read(ref _leaksFound):N0}");
        text.Append(CultureInfo.InvariantCulture,
            $"  answers checked against the OpenAPI document: {Interlocked.Read(ref _answersChecked):N0}, undocumented (method, route, status): {Interlocked.Read(ref _answersUndocumented):N0}; bodies validated against their schema: {Interlocked.Read(ref _bodiesChecked):N0}, not matching: {Interlocked.Read(ref _bodiesInvalid):N0}");
        text.Append(string.Concat(InvalidBodies.Keys.Order(StringComparer.Ordinal).Select(k => $"{Environment.NewLine}    not matching its schema: {k}")));
        return text.ToString();
    }
}

/// <summary>
/// Writes <see cref="SuiteFigures"/> when the last test class of the run has finished: to standard output (shown when
/// the test program is run directly) and to <c>TestResults/suite-figures.txt</c> at the top of the repository, which
/// <c>.ci/run</c> prints after <c>dotnet test</c> (whose terminal shows no output of a passing run).
/// </summary>
public sealed partial class SuiteReport : IAsyncLifetime
{
    /// <summary>Free text of the case notes the tests send: none of it may be logged.</summary>
    private static readonly string[] CaseNotes =
    [
        "no food at home", "afraid to go home", "Kitchen empty", "mother is exhausted", "Wants to stay at home", "Mornings are hard",
    ];

    /// <summary>The shape of a personal identity code, valid or not (a mistyped code is as personal as a right one).</summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9]{6}[-+ABCDEFYXWVU][0-9]{3}[0-9A-Z](?![0-9A-Za-z])")]
    private static partial Regex IdentityCode();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Every log line of every in-process host of the run: personal data in any of them fails the run.
        var scanned = 0;
        var leaks = new List<string>();
        foreach (var line in CapturedLogs.OfTheRun)
        {
            scanned++;
            if (IdentityCode().IsMatch(line) || CaseNotes.Any(note => line.Contains(note, StringComparison.OrdinalIgnoreCase)))
            {
                leaks.Add(line.Length > 300 ? line[..300] : line);
            }
        }
        var report = SuiteFigures.Report() + Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
            $"  log lines scanned for identity codes and case notes: {scanned:N0}, holding any: {leaks.Count:N0}");
        Console.WriteLine(report);
        var results = Path.Combine(RepositoryRoot() ?? AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "suite-figures.txt"), report + Environment.NewLine);
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException("Personal data reached the logs:\n" + string.Join("\n", leaks.Take(20)));
        }
    }

    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coordination.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
