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
    IDocumentStore store,
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

    /// <summary>Starts a new stream with the facts <paramref name="decide"/> returns.</summary>
    public Task<IResult> StartAsync<T>(Guid streamId, Func<Decision> decide, string what) where T : class =>
        RunAsync<T>(streamId, what, start: true, (_, _, _) => Task.FromResult(decide()), mayWrite: null);

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
            return Replay(earlier, key);
        }

        var (version, outcome) = start
            ? Start<T>(session, streamId, await decide(session, null, Context.RequestAborted))
            : await AppendAsync(session, streamId, what, preconditions.ExpectedVersion, decide, mayWrite!);
        if (outcome is ProblemDetails problem)
        {
            return Problems.Result(problem);
        }

        var accepted = (Decision.Accepted)outcome!;
        var body = JsonSerializer.Serialize(accepted.Respond(version), Json.Options);
        if (preconditions.Idempotency is { } newKey)
        {
            session.Insert(new IdempotencyRecord
            {
                Id = newKey.Id, RequestHash = newKey.RequestHash, FamilyId = streamId, Status = accepted.Status,
                Version = version, Body = body, RecordedAt = Now,
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
            await using var reader = store.QuerySession(caller.Organisation);
            var winner = await reader.LoadAsync<IdempotencyRecord>(racing.Id);
            return winner is null ? Problems.Result(Problems.Unavailable("Retry the request.")) : Replay(winner, racing);
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
        return Written(accepted.Status, version, body);
    }

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
            case Decision.Accepted a:
                await HashChain.AppendSealedAsync(session, stream, a.Events, ct);
                return (current + a.Events.Count, a);
            default:
                throw new UnreachableException();
        }
    }

    private IResult Replay(IdempotencyRecord earlier, IdempotencyKey key) =>
        earlier.RequestHash == key.RequestHash
            ? Written(earlier.Status, earlier.Version, earlier.Body)
            : Problems.Result(Problems.Conflict("idempotency-key-reused",
                "This Idempotency-Key was used before with another request. Use a new key for a new request."));

    private IResult Written(int status, long version, string body)
    {
        Context.Response.Headers.ETag = $"\"{version}\"";
        return Results.Content(body, "application/json", statusCode: status);
    }
}
