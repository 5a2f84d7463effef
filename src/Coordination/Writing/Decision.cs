using Microsoft.AspNetCore.Mvc;

namespace Coordination.Writing;

/// <summary>What a command's decide function concluded: facts to append and the answer to give, or a refusal.</summary>
public abstract record Decision
{
    private Decision()
    {
    }

    /// <param name="Events">The facts to append, in order.</param>
    /// <param name="Respond">The response body, given the family's version after the append.</param>
    /// <param name="Status">201 for something created, else 200.</param>
    public sealed record Accepted(IReadOnlyList<object> Events, Func<long, object> Respond, int Status) : Decision
    {
        /// <summary>Messages to deliver later, committed in the same transaction as the events (Wolverine outbox).</summary>
        public IReadOnlyList<ScheduledMessage> Scheduled { get; init; } = [];

        /// <summary>Use and disclosure entries for data the answer returns; written before it is returned.</summary>
        public IReadOnlyList<Audit.AccessLogEntry> AccessLog { get; init; } = [];

        /// <summary>For a 201: where what was created is read. Null: the stream's own read (a family's picture, a team).</summary>
        public string? Location { get; init; }
    }

    public sealed record Refused(ProblemDetails Problem) : Decision;

    public static Decision Created(Func<long, object> respond, params object[] events) => new Accepted(events, respond, StatusCodes.Status201Created);

    public static Decision Ok(Func<long, object> respond, params object[] events) => new Accepted(events, respond, StatusCodes.Status200OK);

    public static Decision Refuse(ProblemDetails problem) => new Refused(problem);
}

/// <summary>A message for the service itself, due at a moment (a deadline check, a reminder).</summary>
public sealed record ScheduledMessage(object Message, DateTimeOffset At);
