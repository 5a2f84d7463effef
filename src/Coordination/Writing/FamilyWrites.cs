using System.Diagnostics;
using System.Text.Json;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Families;
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
/// The one path by which a request appends facts to a family stream. It gives every write the same guarantees:
/// a family the caller has no relationship with is 404; writers on one family take turns (row lock on the stream),
/// so no fact is lost or decided on stale state; <c>If-Match</c> is checked under that lock (412);
/// an <c>Idempotency-Key</c> is remembered in the same transaction as the facts (replay, or 409 for another body).
/// The decide function it calls is pure: state in, facts or a refusal out.
/// </summary>
public sealed class FamilyWrites(
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

    /// <summary>Starts a new family stream with the facts <paramref name="decide"/> returns.</summary>
    public Task<IResult> StartAsync(Guid familyId, Func<Decision> decide) => RunAsync(familyId, start: true, _ => decide());

    /// <summary>Appends to an existing family stream the caller has a relationship with.</summary>
    public Task<IResult> AppendAsync(Guid familyId, Func<Family, Decision> decide) =>
        RunAsync(familyId, start: false, f => decide(f!), requireRelationship: true);

    /// <summary>
    /// Appends to an existing family stream of the caller's organisation without asking for a relationship first:
    /// only for raising a concern, which is what creates one (see <see cref="FamilyAccess.MayRaiseConcern"/>).
    /// </summary>
    public Task<IResult> AppendAsNotifierAsync(Guid familyId, Func<Family, Decision> decide) =>
        RunAsync(familyId, start: false, f => decide(f!), requireRelationship: false);

    private async Task<IResult> RunAsync(Guid familyId, bool start, Func<Family?, Decision> decide, bool requireRelationship = true)
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
            ? Start(session, familyId, decide)
            : await AppendAsync(session, familyId, preconditions.ExpectedVersion, decide, requireRelationship);
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
                Id = newKey.Id, RequestHash = newKey.RequestHash, FamilyId = familyId, Status = accepted.Status,
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
            return Problems.Result(Problems.Conflict("already-exists", "A family with this id exists already."));
        }
        catch (ConcurrencyException)
        {
            return Problems.Result(Problems.PreconditionFailed(version - accepted.Events.Count));
        }

        // An answer that carries client data is logged first: no unlogged access (ATL 10 §).
        if (await accessLog.TryRecordAsync(caller.Organisation, accepted.AccessLog, Context.RequestAborted) is { } unlogged)
        {
            return unlogged;
        }
        return Written(accepted.Status, version, body);
    }

    private static (long, object?) Start(IDocumentSession session, Guid familyId, Func<Family?, Decision> decide)
    {
        switch (decide(null))
        {
            case Decision.Refused r:
                return (0, r.Problem);
            case Decision.Accepted a:
                session.Events.StartStream<Family>(familyId, HashChain.Seal(session, familyId, 0, HashChain.Genesis, a.Events));
                return (a.Events.Count, a);
            default:
                throw new UnreachableException();
        }
    }

    private async Task<(long, object?)> AppendAsync(IDocumentSession session, Guid familyId, long? expectedVersion,
        Func<Family?, Decision> decide, bool requireRelationship)
    {
        JasperFx.Events.IEventStream<Family> stream;
        try
        {
            stream = await session.Events.FetchForExclusiveWriting<Family>(familyId, Context.RequestAborted);
        }
        catch (StreamLockedException)
        {
            Context.Response.Headers.RetryAfter = "2";
            return (0, Problems.Unavailable("Another write to this family is taking long. Retry in a moment."));
        }

        if (stream.Aggregate is null
            || (requireRelationship ? !FamilyAccess.HasRelationship(Caller, stream.Aggregate.Relationships) : !FamilyAccess.MayRaiseConcern(Caller)))
        {
            return (0, Problems.NotFound());
        }
        var current = stream.CurrentVersion ?? stream.StartingVersion ?? 0;
        if (expectedVersion is { } expected && expected != current)
        {
            return (0, Problems.PreconditionFailed(current));
        }

        switch (decide(stream.Aggregate))
        {
            case Decision.Refused r:
                return (0, r.Problem);
            case Decision.Accepted a:
                await HashChain.AppendSealedAsync(session, stream, a.Events, Context.RequestAborted);
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
