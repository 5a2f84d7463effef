using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>A logger provider that keeps every formatted message, its state values and exception text.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private static readonly ConcurrentQueue<CapturedLogs> Every = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public CapturedLogs() => Every.Enqueue(this);

    /// <summary>Every line every host of this run logged, for the end-of-run scan (<see cref="SuiteReport"/>).</summary>
    public static IEnumerable<string> OfTheRun => Every.SelectMany(logs => logs._lines);

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}
