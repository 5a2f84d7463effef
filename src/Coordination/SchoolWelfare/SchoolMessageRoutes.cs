using System.Globalization;
using System.Text;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Coordination.Validation;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;
using Wolverine.Runtime;

namespace Coordination.SchoolWelfare;

public sealed record MessageStatusView(
    string MessageId,
    string SenderId,
    string? Type,
    string Status,
    string? Reason,
    Guid? FamilyId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ProcessedAt);

/// <summary>An unmatched message as a social worker needs it to find or open the family. The clock has been running since receipt.</summary>
public sealed record UnmatchedMessageView(
    string MessageId,
    string SenderId,
    string SenderName,
    string Type,
    SchoolRef School,
    Pupil Pupil,
    DateTimeOffset ReceivedAt,
    DateOnly? DecisionDue,
    string? Reason);

public sealed record LinkSchoolMessage(string? SenderId, Guid? FamilyId, Guid? ChildId);

public sealed record MessageLinked(string MessageId, string Status, Guid FamilyId, long Version);

public static class SchoolMessageRoutes
{
    private const string Route = "/api/integrations/school-welfare/messages";
    public const string TimestampHeader = "X-Timestamp";
    private static readonly TimeSpan SignedReadWindow = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where a message stands. The sending system signs the read (<c>X-Sender</c>, <c>X-Timestamp</c>, <c>X-Signature</c> over
    /// "GET\n&lt;path&gt;\n&lt;timestamp&gt;"); an admin or a social worker of the organisation names the sender with <c>?senderId=</c>.
    /// The sender and admins learn the processing status and nothing about families: no <c>familyId</c>, and a message left
    /// for social work to place reads <c>processed</c>, since <c>unmatched</c> would say that no family holds the pupil
    /// (docs/sharing.md §4). Social workers see where it went and why.
    /// </summary>
    [AllowAnonymous]
    [WolverineGet(Route + "/{messageId}", OperationId = "getSchoolMessageStatus")]
    [Tags("School student-welfare integration")]
    public static async Task<Answer<MessageStatusView>> Status(string messageId, string? senderId, HttpContext context, IDocumentStore store,
        IWolverineRuntime runtime, TimeProvider clock, CancellationToken ct) =>
        new(await StatusAnswer(messageId, senderId, context, store, runtime, clock, ct));

    private static async Task<IResult> StatusAnswer(string messageId, string? senderId, HttpContext context, IDocumentStore store,
        IWolverineRuntime runtime, TimeProvider clock, CancellationToken ct)
    {
        var (organisation, sender, socialWork, refused) = await ReaderAsync(context, store, messageId, senderId, clock, ct);
        if (refused is not null)
        {
            return Problems.Result(refused);
        }
        await using var session = store.QuerySession(organisation!);
        var record = await FindAsync(session, sender!, messageId, ct);
        if (record is null)
        {
            return Problems.Result(Problems.NotFound("message"));
        }
        var deadLetter = await DeadLetterAsync(runtime, record, organisation!);
        return Results.Json(View(record, deadLetter, socialWork), Json.Options);
    }

    /// <summary>Messages waiting for people: <c>unmatched</c> (social workers and admins) or <c>dead-lettered</c> (admins).</summary>
    [WolverineGet(Route, OperationId = "listSchoolMessages")]
    [UseLogged]
    [Tags("School student-welfare integration")]
    [OneOfItems(typeof(UnmatchedMessageView), typeof(MessageStatusView))]
    public static async Task<Answer<List<object>>> List(string? status, int? limit, string? cursor, HttpContext context,
        IDocumentStore store, IWolverineRuntime runtime, AccessLog log, CancellationToken ct) =>
        new(await ListAnswer(status, limit, cursor, context, store, runtime, log, ct));

    /// <summary>Where a page of messages ended: the last one's receipt and id (oldest first).</summary>
    private static (DateTimeOffset ReceivedAt, string Id)? ReadCursor(string text) =>
        PageCursor.Read(text, 2) is [var ticks, var id] && long.TryParse(ticks, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var t) && t is >= 0 and <= 3155378975999999999 && IsMessageKey(id)
            ? (new DateTimeOffset(t, TimeSpan.Zero), id)
            : null;

    /// <summary>
    /// A key as <see cref="InboundMessage.KeyOf"/> writes them (a sender's id, '/', a message id): nothing else reaches the
    /// query (a NUL in a cursor reached PostgreSQL, which refuses it in text, and answered 500).
    /// </summary>
    private static bool IsMessageKey(string id) =>
        id.Split('/', 2) is [var sender, var message] && SenderIds.IsValid(sender) && MessageIds.IsValid(message);

    private static string WriteCursor(DateTimeOffset receivedAt, string id) =>
        PageCursor.Write(receivedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), id);

    private static async Task<IResult> ListAnswer(string? status, int? limit, string? cursor, HttpContext context, IDocumentStore store,
        IWolverineRuntime runtime, AccessLog log, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var errors = new Dictionary<string, string[]>();
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, ReadCursor, errors);
        if (errors.Count > 0)
        {
            return Problems.Result(Problems.Invalid(errors));
        }
        if (status is not ("unmatched" or "dead-lettered"))
        {
            return Problems.Result(Problems.Invalid("status", "List status=unmatched or status=dead-lettered."));
        }
        if (status == "unmatched" ? !caller.IsSocialWorker : !caller.Has(Role.Admin))
        {
            return Problems.Result(Problems.Forbidden(status == "unmatched"
                ? "Unmatched messages name pupils: they are for the organisation's social workers, who place them."
                : "Dead-lettered messages are for admins of the organisation."));
        }
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        if (status == "dead-lettered")
        {
            return await DeadLetteredAnswer(context, store, runtime, caller.Organisation, after, take, ct);
        }

        var rows = await WaitingMessages.PageAsync(store, caller.Organisation, InboundStatus.Unmatched, after, take + 1, ct);
        LinkNext(context, status, take, rows.Count > take ? rows[take - 1] : null);
        var unmatched = rows.Take(take).Select(r => r.Document).ToList();
        // The list shows pupils' names and identity codes, disclosed by the school to social work under the basis it named
        // (docs/sharing.md S3): a use and a disclosure, logged before it is shown.
        var cut = new SharingCut(caller, []);
        var entries = new List<AccessLogEntry>();
        foreach (var m in unmatched)
        {
            var data = $"school-message:{m.Id}";
            cut.Decide(data, new Datum.SchoolReport([], m.Message!.LegalBasis));
            entries.Add(AccessLogEntry.Use(caller, null, data, purpose!));
        }
        entries.AddRange(cut.Disclosures(null, purpose!));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        return Results.Json(unmatched.Select(m => new UnmatchedMessageView(m.MessageId, m.SenderId, m.SenderName, Kebab.Name(m.Type!.Value),
            m.Message!.School, m.Message.Pupil, m.ReceivedAt,
            m.Type == SchoolMessageType.WelfareConcern ? DeadlineRules.DecisionDue(m.ReceivedAt) : null, m.Reason)).ToList(), Json.Options);
    }

    /// <summary>
    /// The dead-lettered messages after the cursor, oldest first. A dead-lettered message is one still <c>received</c> whose
    /// envelope is in Wolverine's dead-letter table: the waiting messages are read a page at a time (index on status and
    /// receipt), and each page's envelopes are looked up in the dead-letter table in one query by their ids (its primary key).
    /// At most <see cref="DeadLetterScan"/> waiting messages are read for one answer: past that, the page ends where the reading
    /// did and its <c>Link</c> goes on from there (a page shorter than the limit, even empty, then still links the next).
    /// </summary>
    private static async Task<IResult> DeadLetteredAnswer(HttpContext context, IDocumentStore store, IWolverineRuntime runtime,
        string organisation, (DateTimeOffset ReceivedAt, string Id)? after, int take, CancellationToken ct)
    {
        var dead = new List<(StatusPages.Row<InboundMessage> Record, MessageStatusView View)>();
        StatusPages.Row<InboundMessage>? lastRead = null;
        var read = 0;
        var more = true;
        while (more && dead.Count <= take && read < DeadLetterScan)
        {
            var size = Math.Min(take + 1, DeadLetterScan - read);
            var waiting = await WaitingMessages.PageAsync(store, organisation, InboundStatus.Received, after, size, ct);
            more = waiting.Count == size;
            var letters = await DeadLettersAsync(runtime, [.. waiting.Select(w => w.Document)], organisation, ct);
            foreach (var record in waiting)
            {
                read++;
                lastRead = record;
                if (letters.TryGetValue(record.Document.EnvelopeId!.Value, out var letter))
                {
                    dead.Add((record, View(record.Document, letter, socialWork: false)));
                    if (dead.Count > take)
                    {
                        break;
                    }
                }
            }
            after = lastRead is null ? after : WaitingMessages.Cursor(lastRead);
        }
        var page = dead.Take(take).ToList();
        // More dead letters than the page: it ends at its last. Reading stopped at the bound: it ends where the reading did.
        var last = dead.Count > take ? page[^1].Record : more && read >= DeadLetterScan ? lastRead : null;
        LinkNext(context, InboundStatus.DeadLettered, take, last);
        return Results.Json(page.Select(d => d.View).ToList(), Json.Options);
    }

    /// <summary>How many waiting messages one answer of the dead-lettered list reads at most.</summary>
    internal const int DeadLetterScan = 1000;

    /// <summary>The dead letters among <paramref name="records"/>' envelopes: one query, by the envelopes' ids.</summary>
    private static async Task<Dictionary<Guid, DeadLetterEnvelope>> DeadLettersAsync(IWolverineRuntime runtime,
        IReadOnlyList<InboundMessage> records, string organisation, CancellationToken ct)
    {
        var ids = records.Select(r => r.EnvelopeId).OfType<Guid>().Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }
        // MessageIds names the dead letters, so archived ones count too, as the status route's look-up by id counts them.
        var results = await runtime.Storage.DeadLetters.QueryAsync(
            new DeadLetterEnvelopeQuery { TenantId = organisation, MessageIds = ids, PageNumber = 1, PageSize = ids.Length }, ct);
        return results.Envelopes.GroupBy(e => e.Envelope.Id).ToDictionary(g => g.Key, g => g.First());
    }

    /// <summary>The next page starts after <paramref name="last"/>, at its place in the index (its stored receipt, not the document's).</summary>
    private static void LinkNext(HttpContext context, string status, int take, StatusPages.Row<InboundMessage>? last)
    {
        if (last is not null)
        {
            context.Response.Headers.Link =
                $"<{Route}?status={status}&limit={take}&cursor={WriteCursor(last.Position, last.Document.Id)}>; rel=\"next\"";
        }
    }

    /// <summary>
    /// A social worker places an unmatched message on a family: the family holding the pupil (by identity code), or the
    /// child named. A family the caller has no relationship with takes only a concern, as raising one would.
    /// </summary>
    [WolverinePost(Route + "/{messageId}/link", OperationId = "linkSchoolMessage")]
    [WriteHeaders(etag: true)]
    [Tags("School student-welfare integration")]
    public static async Task<Answer<MessageLinked>> Link(string messageId, LinkSchoolMessage command, HttpContext context, IDocumentStore store,
        OutboxedSessionFactory sessions, IMessageBus bus, AccessLog log, TimeProvider clock, CancellationToken ct) =>
        new(await LinkAnswer(messageId, command, context, store, sessions, bus, log, clock, ct));

    private static async Task<IResult> LinkAnswer(string messageId, LinkSchoolMessage command, HttpContext context, IDocumentStore store,
        OutboxedSessionFactory sessions, IMessageBus bus, AccessLog log, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsSocialWorker)
        {
            return Problems.Result(Problems.Forbidden("Social workers place school messages on families."));
        }
        var messageContext = (MessageContext)bus;
        await using var session = sessions.OpenSession(messageContext, caller.Organisation);
        var record = await FindAsync(session, command.SenderId!, messageId, ct);
        if (record is null)
        {
            return Problems.Result(Problems.NotFound("message"));
        }
        var stream = await session.Events.FetchForExclusiveWriting<Family>(command.FamilyId!.Value, ct);
        var picture = await session.LoadAsync<FamilyPicture>(command.FamilyId.Value, ct);
        var concern = record.Type == SchoolMessageType.WelfareConcern;
        if (stream.Aggregate is null || picture is null
            || !(concern || await FamilyAccess.HasRelationshipAsync(session, caller, stream.Aggregate.Relationships, ct)))
        {
            return Problems.Result(Problems.NotFound());
        }
        // Checked under the family's lock and against the record as loaded: a racing link or late processing loses on the record's version.
        if (record.Status != InboundStatus.Unmatched)
        {
            return Problems.Result(Problems.Conflict("not-unmatched",
                $"The message is {record.Status}; only an unmatched message is linked."));
        }
        var (child, wrong) = Concerns.ConcernPlacement.ChildToPlaceOn(picture, command.ChildId, record.Message!.Pupil.PersonId, "pupil", "the pupil's");
        wrong ??= Concerns.ConcernPlacement.MayPlace(stream.Aggregate!, child!.Id, SchoolMessagePlacement.AsConcern(record));
        if (wrong is not null)
        {
            return Problems.Result(wrong);
        }

        var version = await SchoolMessagePlacement.PlaceAsync(session, messageContext, stream, record, child!.Id, caller.Id, clock.GetUtcNow(), ct);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return Problems.Result(Problems.Conflict("not-unmatched", "The message was placed meanwhile. Look it up again."));
        }
        await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, stream.Id, $"school-message:{record.Id}", "client-work")], ct);
        context.Response.Headers.ETag = $"\"{version}\"";
        return Results.Json(new MessageLinked(record.MessageId, "processed", stream.Id, version), Json.Options);
    }

    /// <summary>An admin sends a dead-lettered message through processing again, after whatever failed it was fixed.</summary>
    [WolverinePost(Route + "/{messageId}/replay", OperationId = "replaySchoolMessage")]
    [Tags("School student-welfare integration")]
    [AcceptsForLater]
    public static async Task<Answer<MessageAccepted>> Replay(string messageId, string? senderId, HttpContext context, IDocumentStore store,
        IWolverineRuntime runtime, ILogger<InboundMessage> logger, CancellationToken ct) =>
        new(await ReplayAnswer(messageId, senderId, context, store, runtime, logger, ct));

    private static async Task<IResult> ReplayAnswer(string messageId, string? senderId, HttpContext context, IDocumentStore store,
        IWolverineRuntime runtime, ILogger<InboundMessage> logger, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.Has(Role.Admin))
        {
            return Problems.Result(Problems.Forbidden("Only an admin of the organisation replays messages."));
        }
        if (!SenderIds.IsValid(senderId))
        {
            return Problems.Result(Problems.Invalid("senderId", "Name the sender: ?senderId=..."));
        }
        await using var session = store.QuerySession(caller.Organisation);
        var record = await FindAsync(session, senderId!, messageId, ct);
        if (record is null)
        {
            return Problems.Result(Problems.NotFound("message"));
        }
        if (await DeadLetterAsync(runtime, record, caller.Organisation) is null)
        {
            return Problems.Result(Problems.Conflict("not-dead-lettered",
                $"The message is {record.Status}, not dead-lettered; there is nothing to replay."));
        }
        await runtime.Storage.DeadLetters.ReplayAsync(new DeadLetterEnvelopeQuery { MessageIds = [record.EnvelopeId!.Value] }, ct);
        ReplayLog.Replayed(logger, record.SenderId, caller.Id);
        return Results.Json(new MessageAccepted(record.MessageId, "received"), Json.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A sender's message by its id; none for an id no sender could have used.</summary>
    private static async Task<InboundMessage?> FindAsync(IQuerySession session, string senderId, string messageId, CancellationToken ct) =>
        MessageIds.IsValid(messageId) ? await session.LoadAsync<InboundMessage>(InboundMessage.KeyOf(senderId, messageId), ct) : null;

    private static async Task<DeadLetterEnvelope?> DeadLetterAsync(IWolverineRuntime runtime, InboundMessage record, string organisation) =>
        record is { Status: InboundStatus.Received, EnvelopeId: { } envelopeId }
            ? await runtime.Storage.DeadLetters.DeadLetterEnvelopeByIdAsync(envelopeId, organisation)
            : null;

    /// <param name="socialWork">The reader is a social worker: where the message went and why. Anyone else learns no family.</param>
    private static MessageStatusView View(InboundMessage m, DeadLetterEnvelope? deadLetter, bool socialWork)
    {
        var status = deadLetter is not null ? InboundStatus.DeadLettered : m.Status;
        var reason = deadLetter is not null ? DeadLetterReason(deadLetter) : m.Reason;
        if (socialWork)
        {
            return new MessageStatusView(m.MessageId, m.SenderId, m.Type is { } t ? Kebab.Name(t) : null, status, reason, m.FamilyId, m.ReceivedAt,
                m.ProcessedAt);
        }
        var settled = status is InboundStatus.Processed or InboundStatus.Unmatched;
        return new MessageStatusView(m.MessageId, m.SenderId, m.Type is { } type ? Kebab.Name(type) : null,
            settled ? InboundStatus.Processed : status,
            settled ? "Received by the county's social work." : reason,
            FamilyId: null, m.ReceivedAt, settled ? m.SettledAt ?? m.ProcessedAt : null);
    }

    /// <summary>Why processing gave up, without stack traces; the failure's own message is the database's or ours, never the body's.</summary>
    private static string DeadLetterReason(DeadLetterEnvelope letter)
    {
        var message = letter.ExceptionMessage ?? "";
        message = message.Length > 300 ? message[..300] + "…" : message;
        return $"Processing failed after its retries ({letter.ExceptionType?.Split('.').Last()}: {message}). An admin can replay it once the cause is fixed.";
    }

    /// <summary>Who reads a status: the signing sender, or a bearer-authenticated admin or social worker naming the sender.</summary>
    private static async Task<(string? Organisation, string? SenderId, bool SocialWork, ProblemDetails? Refused)> ReaderAsync(HttpContext context,
        IDocumentStore store, string messageId, string? senderId, TimeProvider clock, CancellationToken ct)
    {
        if (context.Request.Headers.ContainsKey(ReceiveSchoolMessageEndpoint.SenderHeader))
        {
            var timestamp = context.Request.Headers[TimestampHeader].ToString();
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).Duration() > SignedReadWindow)
            {
                return (null, null, false, ReceiveSchoolMessageEndpoint.BadSignature());
            }
            // The route's own path with the id as sent (ids are URL-safe), so escaping on the way cannot change what was signed.
            var signed = Encoding.UTF8.GetBytes(SignedRead($"{Route}/{messageId}", timestamp));
            var sender = await ReceiveSchoolMessageEndpoint.AuthenticateAsync(context, store, signed, ct);
            return sender is null ? (null, null, false, ReceiveSchoolMessageEndpoint.BadSignature()) : (sender.Organisation, sender.Id, false, null);
        }
        if (Professional.FromClaims(context.User) is not { } caller)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, null, false, Problems.Unauthorized());
        }
        if (!(caller.Has(Role.Admin) || caller.IsSocialWorker))
        {
            return (null, null, false, Problems.Forbidden("Message statuses are for the sending system, admins and social workers."));
        }
        return SenderIds.IsValid(senderId)
            ? (caller.Organisation, senderId, caller.IsSocialWorker, null)
            : (null, null, false, Problems.Invalid("senderId", "Name the sender: ?senderId=..."));
    }

    /// <summary>What a sender signs to read a status: method, path and the Unix time in seconds, one per line.</summary>
    public static string SignedRead(string path, string timestamp) => $"GET\n{path}\n{timestamp}";
}

internal static partial class ReplayLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dead-lettered school message of sender {SenderId} replayed by {ProfessionalId}")]
    public static partial void Replayed(ILogger logger, string senderId, string professionalId);
}

public sealed class LinkSchoolMessageValidator : AbstractValidator<LinkSchoolMessage>
{
    public LinkSchoolMessageValidator()
    {
        RuleFor(x => x.SenderId).NotEmpty().Must(SenderIds.IsValid).WithMessage("Name the message's sender.");
        RuleFor(x => x.FamilyId).RequiredId();
    }
}
