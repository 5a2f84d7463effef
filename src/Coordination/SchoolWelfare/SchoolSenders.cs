using System.Security.Cryptography;
using System.Text;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.SchoolWelfare;

/// <summary>
/// A school system registered to send messages for one organisation. Its id is unique across organisations, because a
/// message names only its sender. Its changes are kept as history in the document, never overwritten.
/// </summary>
public sealed class SchoolSender
{
    public const int MaxSecrets = 2;

    public string Id { get; set; } = "";
    public string Organisation { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>Oldest first. Two during a rotation, otherwise one.</summary>
    public List<SenderSecret> Secrets { get; set; } = [];
    public List<SenderChange> History { get; set; } = [];
}

public sealed record SenderSecret(Guid SecretId, EncryptedSecret Secret, DateTimeOffset AddedAt, string AddedBy);

public sealed record SenderChange(string What, DateTimeOffset At, Actor By);

public sealed record RegisterSender(string? SenderId, string? Name, string? Secret);

/// <summary>What the service says of a sender: never a secret, only when each was added.</summary>
public sealed record SenderView(string SenderId, string Name, IReadOnlyList<SecretView> Secrets, IReadOnlyList<SenderChange> History)
{
    public static SenderView Of(SchoolSender s) =>
        new(s.Id, s.Name, s.Secrets.Select(x => new SecretView(x.SecretId, x.AddedAt)).ToList(), s.History);
}

public sealed record SecretView(Guid SecretId, DateTimeOffset AddedAt);

/// <summary>Sender ids: lower-case letters, digits and hyphens, 3 to 64 characters.</summary>
public static class SenderIds
{
    public static bool IsValid(string? id) =>
        id is { Length: >= 3 and <= 64 } && (char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0]))
        && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

public static partial class SchoolSendersEndpoints
{
    /// <summary>
    /// Sender documents are not per organisation; every session needs a tenant, and this one touches no tenanted data.
    /// </summary>
    internal const string RegistryTenant = "school-sender-registry";

    private const string Route = "/api/integrations/school-welfare/senders";

    /// <summary>
    /// Registers a sender, or adds a second secret to it (rotation). Posting a secret it already has changes nothing.
    /// </summary>
    [WolverinePost(Route, OperationId = "registerSchoolSender")]
    [Tags("School student-welfare integration")]
    [Creates(orOk: true)]
    public static async Task<Answer<SenderView>> Post(RegisterSender command, HttpContext context, IDocumentStore store, SenderSecrets secrets,
        TimeProvider clock, ILogger<SchoolSender> logger, CancellationToken ct) =>
        new(await PostAnswer(command, context, store, secrets, clock, logger, ct));

    private static async Task<IResult> PostAnswer(RegisterSender command, HttpContext context, IDocumentStore store, SenderSecrets secrets,
        TimeProvider clock, ILogger<SchoolSender> logger, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.Has(Role.Admin))
        {
            return Problems.Result(Problems.Forbidden("Only an admin of the organisation registers school systems."));
        }
        await using var session = store.LightweightSession(RegistryTenant);
        await session.BeginTransactionAsync(ct);
        await LockAsync(session, command.SenderId!, ct);
        var sender = await session.LoadAsync<SchoolSender>(command.SenderId!, ct);
        var now = clock.GetUtcNow();
        var by = caller.AsActor();
        if (sender is not null && sender.Organisation != caller.Organisation)
        {
            return Problems.Result(Problems.Conflict("sender-id-taken", "Another organisation uses this sender id. Choose another."));
        }

        int status;
        if (sender is null)
        {
            sender = new SchoolSender { Id = command.SenderId!, Organisation = caller.Organisation, Name = command.Name! };
            sender.Secrets.Add(new SenderSecret(Guid.CreateVersion7(), secrets.Encrypt(command.Secret!), now, caller.Id));
            sender.History.Add(new SenderChange("registered", now, by));
            status = StatusCodes.Status201Created;
            Registered(logger, sender.Id, caller.Organisation);
        }
        else
        {
            status = StatusCodes.Status200OK;
            if (sender.Name != command.Name)
            {
                sender.Name = command.Name!;
                sender.History.Add(new SenderChange("renamed", now, by));
            }
            if (!sender.Secrets.Any(s => SameSecret(secrets, s.Secret, command.Secret!)))
            {
                if (sender.Secrets.Count >= SchoolSender.MaxSecrets)
                {
                    return Problems.Result(Problems.Conflict("rotation-in-progress",
                        "This sender has two secrets already. Retire the oldest (DELETE .../secrets/oldest) before adding another."));
                }
                sender.Secrets.Add(new SenderSecret(Guid.CreateVersion7(), secrets.Encrypt(command.Secret!), now, caller.Id));
                sender.History.Add(new SenderChange("secret-added", now, by));
                SecretAdded(logger, sender.Id, caller.Organisation);
            }
        }
        session.Store(sender);
        await session.SaveChangesAsync(ct);
        if (status == StatusCodes.Status201Created)
        {
            context.Response.Headers.Location = "/api/integrations/school-welfare/senders"; // the county's senders, this one among them
        }
        return Results.Json(SenderView.Of(sender), Json.Options, statusCode: status);
    }

    /// <summary>Ends a rotation: the older secret stops verifying. The last secret cannot be retired.</summary>
    [WolverineDelete(Route + "/{senderId}/secrets/oldest", OperationId = "retireOldestSchoolSenderSecret")]
    [Tags("School student-welfare integration")]
    public static async Task<Answer<SenderView>> RetireOldest(string senderId, HttpContext context, IDocumentStore store, TimeProvider clock,
        ILogger<SchoolSender> logger, CancellationToken ct) =>
        new(await RetireOldestAnswer(senderId, context, store, clock, logger, ct));

    private static async Task<IResult> RetireOldestAnswer(string senderId, HttpContext context, IDocumentStore store, TimeProvider clock,
        ILogger<SchoolSender> logger, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.Has(Role.Admin))
        {
            return Problems.Result(Problems.Forbidden("Only an admin of the organisation manages school systems."));
        }
        if (!SenderIds.IsValid(senderId))
        {
            return Problems.Result(Problems.NotFound("sender"));
        }
        await using var session = store.LightweightSession(RegistryTenant);
        await session.BeginTransactionAsync(ct);
        await LockAsync(session, senderId, ct);
        var sender = await session.LoadAsync<SchoolSender>(senderId, ct);
        if (sender is null || sender.Organisation != caller.Organisation)
        {
            return Problems.Result(Problems.NotFound("sender"));
        }
        if (sender.Secrets.Count < 2)
        {
            return Problems.Result(Problems.Conflict("last-secret",
                "This is the sender's only secret; retiring it would stop every message. Add the new secret first."));
        }
        sender.Secrets.RemoveAt(0);
        sender.History.Add(new SenderChange("oldest-secret-retired", clock.GetUtcNow(), caller.AsActor()));
        session.Store(sender);
        await session.SaveChangesAsync(ct);
        SecretRetired(logger, sender.Id, caller.Organisation);
        return Results.Json(SenderView.Of(sender), Json.Options);
    }

    /// <summary>The organisation's senders, without secrets.</summary>
    [WolverineGet(Route, OperationId = "listSchoolSenders")]
    [Tags("School student-welfare integration")]
    public static async Task<Answer<List<SenderView>>> List(HttpContext context, IDocumentStore store, CancellationToken ct) =>
        new(await ListAnswer(context, store, ct));

    private static async Task<IResult> ListAnswer(HttpContext context, IDocumentStore store, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.Has(Role.Admin))
        {
            return Problems.Result(Problems.Forbidden("Only an admin of the organisation manages school systems."));
        }
        await using var session = store.QuerySession(RegistryTenant);
        var senders = await session.Query<SchoolSender>().Where(s => s.Organisation == caller.Organisation).OrderBy(s => s.Id).ToListAsync(ct);
        return Results.Json(senders.Select(SenderView.Of).ToList(), Json.Options);
    }

    private static bool SameSecret(SenderSecrets secrets, EncryptedSecret stored, string offered)
    {
        var known = secrets.Decrypt(stored);
        try
        {
            return CryptographicOperations.FixedTimeEquals(known, Encoding.UTF8.GetBytes(offered));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(known);
        }
    }

    private static Task LockAsync(IQuerySession session, string senderId, CancellationToken ct) =>
        Writing.TransactionLocks.TakeAsync(session, $"school-sender:{senderId}", ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "School sender {SenderId} registered for {Organisation}")]
    private static partial void Registered(ILogger logger, string senderId, string organisation);

    [LoggerMessage(Level = LogLevel.Information, Message = "School sender {SenderId} of {Organisation} was given a second secret (rotation)")]
    private static partial void SecretAdded(ILogger logger, string senderId, string organisation);

    [LoggerMessage(Level = LogLevel.Information, Message = "School sender {SenderId} of {Organisation} retired its oldest secret")]
    private static partial void SecretRetired(ILogger logger, string senderId, string organisation);
}

public sealed class RegisterSenderValidator : AbstractValidator<RegisterSender>
{
    public const int SecretMin = 32;
    public const int SecretMax = 256;

    public RegisterSenderValidator()
    {
        RuleFor(x => x.SenderId).NotEmpty().Must(SenderIds.IsValid)
            .WithMessage("Use lower-case letters, digits and hyphens, 3 to 64 characters, starting with a letter or digit.");
        RuleFor(x => x.Name).NotEmpty().PlainText(Rules.NameMax);
        // Never echo the secret: the messages say what is wrong, not what was sent.
        RuleFor(x => x.Secret).NotEmpty().WithMessage("A shared secret is required.")
            .Must(s => s!.Length is >= SecretMin and <= SecretMax && s.All(c => c is > ' ' and < (char)127)).When(x => !string.IsNullOrEmpty(x.Secret), ApplyConditionTo.CurrentValidator)
            .WithMessage($"The secret must be {SecretMin} to {SecretMax} printable ASCII characters without spaces (e.g. 32 random bytes as hex or base64).");
    }
}
