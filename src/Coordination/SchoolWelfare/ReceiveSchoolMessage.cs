using System.Security.Cryptography;
using Coordination.Hosting;
using Marten;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Coordination.SchoolWelfare;

public sealed record MessageAccepted(string MessageId, string Status);

/// <summary>
/// The inbound route for school student-welfare systems. Order of checks: size and media type (the body middleware),
/// then the signature over the raw bytes (401, nothing stored, nothing parsed), then the message (400, kept as
/// <c>rejected</c> when it names its id), then acceptance: the message record and its inbox envelope commit together.
/// </summary>
public static partial class ReceiveSchoolMessageEndpoint
{
    public const string SenderHeader = "X-Sender";
    public const string SignatureHeader = "X-Signature";

    /// <summary>Verified against when the sender is unknown, so an unknown sender takes as long to refuse as a wrong signature.</summary>
    private static readonly byte[] DecoySecret = RandomNumberGenerator.GetBytes(48);

    [AllowAnonymous]
    [WolverinePost("/api/integrations/school-welfare/messages", OperationId = "receiveSchoolMessage")]
    [Tags("School student-welfare integration")]
    [AcceptsForLater]
    public static async Task<Answer<MessageAccepted>> Post(HttpContext context, IDocumentStore store, OutboxedSessionFactory sessions, IMessageBus bus,
        TimeProvider clock, ILogger<InboundMessage> logger, CancellationToken ct) =>
        new(await PostAnswer(context, store, sessions, bus, clock, logger, ct));

    private static async Task<IResult> PostAnswer(HttpContext context, IDocumentStore store, OutboxedSessionFactory sessions, IMessageBus bus,
        TimeProvider clock, ILogger<InboundMessage> logger, CancellationToken ct)
    {
        var body = RequestBody.Raw(context);
        var sender = await AuthenticateAsync(context, store, body, ct);
        if (sender is null)
        {
            return Problems.Result(BadSignature());
        }

        var now = clock.GetUtcNow();
        var parsed = SchoolMessages.Parse(body.Span, now);
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        if (parsed.Problem is { } problem)
        {
            if (parsed.MessageId is { } rejectedId)
            {
                await RecordRejectionAsync(store, sender, rejectedId, bodyHash, problem, now, ct);
            }
            Refused(logger, sender.Id, problem.Type ?? "");
            return Problems.Result(problem);
        }

        var message = parsed.Message!;
        var id = InboundMessage.KeyOf(sender.Id, message.MessageId);
        var messageContext = (MessageContext)bus;
        await using var session = sessions.OpenSession(messageContext, sender.Organisation);
        var existing = await session.LoadAsync<InboundMessage>(id, ct);
        if (existing is not null && existing.Status != InboundStatus.Rejected)
        {
            return Duplicate(existing, bodyHash, logger);
        }

        await bus.PublishAsync(new ProcessSchoolMessage(id), new DeliveryOptions { TenantId = sender.Organisation });
        var record = InboundMessage.Arrived(existing, sender, message.MessageId, bodyHash, now, InboundStatus.Received, reason: null);
        record.Type = message.Type;
        record.Message = message;
        record.EnvelopeId = messageContext.Outstanding.Single(e => e.Message is ProcessSchoolMessage).Id;
        if (existing is null)
        {
            session.Insert(record);
        }
        else
        {
            session.Update(record); // a rejected copy, now sent right: optimistic concurrency against a racing copy
        }

        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or ConcurrencyException)
        {
            // Another copy was accepted first, and our transaction (record and envelope) was rolled back whole.
            await using var reader = store.QuerySession(sender.Organisation);
            var winner = await reader.LoadAsync<InboundMessage>(id, ct);
            return winner is null
                ? Problems.Result(Problems.Unavailable("Retry the message."))
                : Duplicate(winner, bodyHash, logger);
        }
        Accepted(logger, sender.Id, message.Type);
        return Results.Json(new MessageAccepted(message.MessageId, "accepted"), Json.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// The sender named by <c>X-Sender</c> when <c>X-Signature</c> is its signature of <paramref name="signed"/> under any of
    /// its secrets; otherwise null. Nothing is parsed before this.
    /// </summary>
    internal static async Task<SchoolSender?> AuthenticateAsync(HttpContext context, IDocumentStore store, ReadOnlyMemory<byte> signed,
        CancellationToken ct)
    {
        var senderId = context.Request.Headers[SenderHeader].ToString();
        var signature = context.Request.Headers[SignatureHeader].ToString();
        SchoolSender? sender = null;
        if (SenderIds.IsValid(senderId))
        {
            await using var session = store.QuerySession(SchoolSendersEndpoints.RegistryTenant);
            sender = await session.LoadAsync<SchoolSender>(senderId, ct);
        }
        return Verify(context.RequestServices.GetRequiredService<SenderSecrets>(), sender, signed.Span, signature) ? sender : null;
    }

    internal static bool Verify(SenderSecrets secrets, SchoolSender? sender, ReadOnlySpan<byte> signed, string? signature)
    {
        if (sender is null)
        {
            _ = Signatures.Matches(DecoySecret, signed, signature);
            return false;
        }
        var valid = false;
        foreach (var stored in sender.Secrets)
        {
            var secret = secrets.Decrypt(stored.Secret);
            try
            {
                valid |= Signatures.Matches(secret, signed, signature); // every secret is tried: no early exit to time
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
        return valid;
    }

    internal static ProblemDetails BadSignature() =>
        Problems.Create(StatusCodes.Status401Unauthorized, "bad-signature", "Signature not valid",
            $"Send {SenderHeader} with your registered sender id and {SignatureHeader}: sha256=<hex HMAC-SHA256 of the exact body bytes under your secret>.");

    private static IResult Duplicate(InboundMessage existing, string bodyHash, ILogger logger)
    {
        if (existing.BodyHash != bodyHash)
        {
            return Problems.Result(Problems.Conflict("message-id-reused",
                "This sender sent another message with this messageId before. A new message needs a new messageId."));
        }
        Duplicated(logger, existing.SenderId);
        return Results.Json(new MessageAccepted(existing.MessageId, "duplicate"), Json.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A signed message that could not be read is kept as rejected, so its sender can look up why.</summary>
    private static async Task RecordRejectionAsync(IDocumentStore store, SchoolSender sender, string messageId, string bodyHash,
        ProblemDetails problem, DateTimeOffset now, CancellationToken ct)
    {
        var id = InboundMessage.KeyOf(sender.Id, messageId);
        await using var session = store.LightweightSession(sender.Organisation);
        var existing = await session.LoadAsync<InboundMessage>(id, ct);
        if (existing is not null && existing.Status != InboundStatus.Rejected)
        {
            return; // an accepted message keeps its status; a bad copy of it changes nothing
        }
        session.Store(InboundMessage.Arrived(existing, sender, messageId, bodyHash, now, InboundStatus.Rejected, $"{problem.Title}: {problem.Detail}"));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or ConcurrencyException)
        {
            // a copy raced us; either it was accepted (and keeps that) or rejected for the same reason
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "School message of type {Type} accepted from sender {SenderId}")]
    private static partial void Accepted(ILogger logger, string senderId, SchoolMessageType type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate school message from sender {SenderId} acknowledged")]
    private static partial void Duplicated(ILogger logger, string senderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "School message from sender {SenderId} refused: {ProblemType}")]
    private static partial void Refused(ILogger logger, string senderId, string problemType);
}
