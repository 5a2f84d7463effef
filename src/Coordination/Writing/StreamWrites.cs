using System.Diagnostics;
using System.Text.Json;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Coordination.Writing;

/// <summary>
/// The one path by which a request appends facts to a stream (a family's, a team's). It gives every write the same
/// guarantees: a stream the caller may not write is 404; writers on one stream take turns (row lock on the stream), so no
/// fact is lost or decided on stale state; <c>If-Match</c> is checked under that lock (412); an <c>Idempotency-Key</c> is
/// remembered in the same transaction as the facts (replay, or 409 for another body); every fact is sealed into the
/// stream's hash chain. The decide function it calls is pure: state in, facts or a refusal out.
/// </summary>
public sealed class StreamWrites(
    OutboxedSessionFactory sessions,
    IMessageBus bus,
    AccessLog accessLog,
    IHttpContextAccessor accessor,
    TimeProvider clock)
{
    private HttpContext Context => accessor.HttpContext ?? throw new InvalidOperationException("No HTTP request.");

    private Professional? _caller;

    /// <summary>The authenticated caller, read from the token once per request. The authentication handler has already refused tokens without these claims.</summary>
    public Professional Caller => _caller ??= Professional.FromClaims(Context.User)
                                  ?? throw new InvalidOperationException("Authenticated user without professional claims.");

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// Starts a new stream with the facts <paramref name="decide"/> returns. It may read what the decision needs through the
    /// session, inside the transaction that will start the stream (so transaction locks it takes hold until then).
    /// </summary>
    public Task<IResult> StartAsync<T>(Guid streamId, Func<IQuerySession, CancellationToken, Task<Decision>> decide, string what) where T : class =>
        RunAsync<T>(streamId, what, start: true, (session, _, ct) => decide(session, ct), mayWrite: null);

    /// <summary>
    /// Appends to an existing stream. <paramref name="mayWrite"/> says whether the caller may touch it at all (else 404);
    /// <paramref name="decide"/> may read what else the decision needs through the session, under the stream's lock.
    /// </summary>
    public Task<IResult> AppendAsync<T>(Guid streamId, string what,
        Func<IQuerySession, T, CancellationToken, Task<bool>> mayWrite,
        Func<IQuerySession, T, CancellationToken, Task<Decision>> decide) where T : class =>
        RunAsync<T>(streamId, what, start: false, (s, t, ct) => decide(s, t!, ct), mayWrite);

    private async Task<IResult> RunAsync<T>(Guid streamId, string what, bool start,
        Func<IQuerySession, T?, CancellationToken, Task<Decision>> decide,
        Func<IQuerySession, T, CancellationToken, Task<bool>>? mayWrite) where T : class
    {
        var caller = Caller;
        var (preconditions, invalid) = Preconditions.Read(Context, caller);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }

        // A session enlisted in Wolverine's outbox: scheduled messages commit with the events, or not at all.
        var context = (MessageContext)bus;
        await using var session = sessions.OpenSession(context, caller.Organisation);
        session.LastModifiedBy = caller.Id;
        session.CorrelationId = Activity.Current?.TraceId.ToString() ?? Context.TraceIdentifier;

        if (preconditions!.Idempotency is { } key && await session.LoadAsync<IdempotencyRecord>(key.Id) is { } earlier)
        {
            return await ReplayAsync(session, earlier, key, streamId, what, decide, mayWrite);
        }

        if (start)
        {
            await session.BeginTransactionAsync(Context.RequestAborted);
        }
        var (version, outcome) = start
            ? Start<T>(session, streamId, await decide(session, null, Context.RequestAborted))
            : await AppendAsync(session, streamId, what, preconditions.ExpectedVersion, decide, mayWrite!);
        if (outcome is ProblemDetails problem)
        {
            // A copy of this keyed request may have committed while this one waited for a lock, and changed what it decided
            // on (a family now holding the same child, a concern now decided): that copy's answer is this request's answer.
            if (preconditions.Idempotency is { } waited && await session.LoadAsync<IdempotencyRecord>(waited.Id) is { } first)
            {
                return await ReplayAsync(session, first, waited, streamId, what, decide, mayWrite);
            }
            return Problems.Result(problem);
        }

        var accepted = (Decision.Accepted)outcome!;
        var body = JsonSerializer.Serialize(accepted.Respond(version), Json.Options);
        var location = accepted.Status == StatusCodes.Status201Created ? accepted.Location ?? Where(what, streamId) : null;
        if (preconditions.Idempotency is { } newKey)
        {
            // An answer that carries client data (it is access-logged) is not kept: a replay renders it again through the gate.
            var rerender = accepted.AccessLog.Count > 0;
            session.Insert(new IdempotencyRecord
            {
                Id = newKey.Id, RequestHash = newKey.RequestHash, FamilyId = streamId, Status = accepted.Status,
                Version = version, Body = rerender ? "" : body, Rerender = rerender, RecordedAt = Now, Location = location,
            });
        }

        foreach (var scheduled in accepted.Scheduled)
        {
            await bus.ScheduleAsync(scheduled.Message, scheduled.At, new DeliveryOptions { TenantId = caller.Organisation });
        }

        try
        {
            await session.SaveChangesAsync(Context.RequestAborted);
        }
        catch (DocumentAlreadyExistsException) when (preconditions.Idempotency is { } racing)
        {
            // The same key won a race with us and committed first; our transaction was rolled back whole.
            await using var replaying = sessions.OpenSession(context, caller.Organisation);
            var winner = await replaying.LoadAsync<IdempotencyRecord>(racing.Id);
            return winner is null
                ? Problems.Result(Problems.Unavailable("Retry the request."))
                : await ReplayAsync(replaying, winner, racing, streamId, what, decide, mayWrite);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return Problems.Result(Problems.Conflict("already-exists", $"A {what} with this id exists already."));
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.PreconditionFailed(version - accepted.Events.Count, what));
        }

        // An answer that carries client data is logged first: no unlogged access (ATL 10 §).
        if (await accessLog.TryRecordAsync(caller.Organisation, accepted.AccessLog, Context.RequestAborted) is { } unlogged)
        {
            return unlogged;
        }
        return Written(accepted.Status, version, body, location);
    }

    /// <summary>Where a stream is read: a family's picture, a team.</summary>
    private static string? Where(string what, Guid streamId) => what switch
    {
        "family" => $"/api/families/{streamId}/picture",
        "team" => $"/api/teams/{streamId}",
        _ => null,
    };

    private static (long, object?) Start<T>(IDocumentSession session, Guid streamId, Decision decision) where T : class
    {
        switch (decision)
        {
            case Decision.Refused r:
                return (0, r.Problem);
            case Decision.Accepted a:
                session.Events.StartStream<T>(streamId, HashChain.Seal(session, streamId, 0, HashChain.Genesis, a.Events));
                return (a.Events.Count, a);
            default:
                throw new UnreachableException();
        }
    }

    private async Task<(long, object?)> AppendAsync<T>(IDocumentSession session, Guid streamId, string what, long? expectedVersion,
        Func<IQuerySession, T?, CancellationToken, Task<Decision>> decide, Func<IQuerySession, T, CancellationToken, Task<bool>> mayWrite)
        where T : class
    {
        var ct = Context.RequestAborted;
        if (streamId == Guid.Empty)
        {
            return (0, Problems.NotFound(what)); // no stream has the empty id, and Marten refuses to look one up
        }
        JasperFx.Events.IEventStream<T> stream;
        try
        {
            stream = await session.Events.FetchForExclusiveWriting<T>(streamId, ct);
        }
        catch (StreamLockedException)
        {
            Context.Response.Headers.RetryAfter = "2";
            return (0, Problems.Unavailable($"Another write to this {what} is taking long. Retry in a moment."));
        }

        if (stream.Aggregate is null || !await mayWrite(session, stream.Aggregate, ct))
        {
            return (0, Problems.NotFound(what));
        }
        var current = stream.CurrentVersion ?? stream.StartingVersion ?? 0;
        if (expectedVersion is { } expected && expected != current)
        {
            return (0, Problems.PreconditionFailed(current, what));
        }

        switch (await decide(session, stream.Aggregate, ct))
        {
            case Decision.Refused r:
                return (0, r.Problem);
            case Decision.Accepted decided:
                var a = WithMissesMadeKnown(stream.Aggregate, decided);
                if (stream.Aggregate is Families.Family family)
                {
                    // A reminder waits for a deadline to be met: once it is, in this same transaction, nobody is reminded of it.
                    foreach (var met in Deadlines.DeadlineLedger.MetBy(family, a.Events))
                    {
                        session.Delete<Deadlines.Reminder>(met);
                    }
                }
                await HashChain.AppendSealedAsync(session, stream, a.Events, ct);
                return (current + a.Events.Count, a);
            default:
                throw new UnreachableException();
        }
    }

    /// <summary>
    /// A family's deadlines that the facts meet late, or open already passed, are missed from the moment they passed: the
    /// service records it in the same write (<see cref="Deadlines.DeadlineLedger.MissesMadeKnown"/>), so no late or
    /// back-dated fact leaves a miss unrecorded.
    /// </summary>
    private Decision.Accepted WithMissesMadeKnown<T>(T aggregate, Decision.Accepted accepted) =>
        aggregate is Families.Family family
        && Deadlines.DeadlineLedger.MissesMadeKnown(family, accepted.Events, Now, Caller.Organisation) is { Count: > 0 } misses
            ? accepted with { Events = [.. accepted.Events, .. misses] }
            : accepted;

    /// <summary>
    /// The first answer again, for a request repeated with its key, after the same access check as the first answer had (a
    /// relationship that has ended is 404). An answer that carried client data was not kept: it is decided again on the
    /// stream as it is now, so it shows only what the gate allows today and writes its log entries again, or is refused.
    /// </summary>
    private async Task<IResult> ReplayAsync<T>(IDocumentSession session, IdempotencyRecord earlier, IdempotencyKey key, Guid streamId, string what,
        Func<IQuerySession, T?, CancellationToken, Task<Decision>> decide, Func<IQuerySession, T, CancellationToken, Task<bool>>? mayWrite)
        where T : class
    {
        if (earlier.RequestHash != key.RequestHash)
        {
            return Problems.Result(Problems.Conflict("idempotency-key-reused",
                "This Idempotency-Key was used before with another request. Use a new key for a new request."));
        }
        if (mayWrite is null)
        {
            return Written(earlier.Status, earlier.Version, earlier.Body, earlier.Location); // a stream this caller started: nobody else's answer
        }
        var ct = Context.RequestAborted;
        var current = await session.Events.FetchLatest<T>(streamId, ct);
        if (current is null || !await mayWrite(session, current, ct))
        {
            return Problems.Result(Problems.NotFound(what));
        }
        if (!earlier.Rerender && !IdempotencyRecord.HeldClientData(earlier))
        {
            return Written(earlier.Status, earlier.Version, earlier.Body, earlier.Location);
        }
        switch (await decide(session, current, ct))
        {
            case Decision.Refused refused:
                return Problems.Result(refused.Problem);
            case Decision.Accepted again:
                if (await accessLog.TryRecordAsync(Caller.Organisation, again.AccessLog, ct) is { } unlogged)
                {
                    return unlogged;
                }
                return Written(earlier.Status, earlier.Version, JsonSerializer.Serialize(again.Respond(earlier.Version), Json.Options), earlier.Location);
            default:
                throw new UnreachableException();
        }
    }

    private IResult Written(int status, long version, string body, string? location)
    {
        Context.Response.Headers.ETag = $"\"{version}\"";
        if (location is not null)
        {
            Context.Response.Headers.Location = location;
        }
        return Results.Content(body, "application/json", statusCode: status);
    }
}
