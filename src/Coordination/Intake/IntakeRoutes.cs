using System.Globalization;
using System.Text.Json.Serialization;
using Coordination.Access;
using Coordination.Audit;
using Coordination.Concerns;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Coordination.Validation;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Coordination.Intake;

/// <summary>A notification as the intake's social workers need it to place it: the child, the concern, the notifier.</summary>
public sealed record NotificationView(
    Guid ConcernId,
    string Status,
    string? Reason,
    DateTimeOffset ReceivedAt,
    DateOnly DecisionDue,
    ChildInput Child,
    ConcernKind Kind,
    SourceInput Source,
    string Description,
    SuspectedOffence? SuspectedOffence,
    bool? PoliceReported,
    Actor Notifier,
    DateTimeOffset AcceptedAt);

/// <summary>
/// A concern by id, one shape for every caller, each told only their part (docs/sharing.md §4): its notifier the receipt
/// and status (and <c>ledToAction</c> for a duty-holder); a social worker related to its family also the family and the
/// concern as the picture shows it; the intake's social workers an unmatched notification. What a caller is not told is
/// left out, not sent as null.
/// </summary>
public sealed record ConcernAnswer(
    Guid ConcernId,
    DateTimeOffset ReceivedAt,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? LedToAction = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? FamilyId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConcernView? Concern = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NotificationView? Notification = null);

public sealed record LinkNotification(Guid? FamilyId, Guid? ChildId);

public sealed record NotificationPlaced(Guid ConcernId, string Status, Guid FamilyId, long Version);

public static class IntakeRoutes
{
    /// <summary>
    /// A concern by its id. To its notifier: the receipt and the status only. To a social worker related to its family: the
    /// concern as in the picture. To any social worker while it waits unplaced in the intake: the notification. Anyone
    /// else: 404.
    /// </summary>
    [WolverineGet("/api/concerns/{concernId}", OperationId = "getConcern")]
    [UseLogged]
    [Tags("Concerns")]
    public static async Task<Answer<ConcernAnswer>> Get(Guid concernId, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct) =>
        new(await GetAnswer(concernId, store, log, context, clock, ct));

    private static async Task<IResult> GetAnswer(Guid concernId, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var batch = session.CreateBatchQuery();
        var locationLoad = batch.Load<ConcernLocation>(concernId);
        var notificationLoad = batch.Load<Notification>(concernId);
        await batch.Execute(ct);
        var (location, notification) = (await locationLoad, await notificationLoad);

        if (location is not null)
        {
            var family = await session.LoadAsync<FamilyPicture>(location.FamilyId, ct);
            var concern = family?.Concerns.Find(c => c.ConcernId == concernId);
            if (family is not null && concern is not null && caller.IsSocialWorker
                && await FamilyAccess.HasRelationshipAsync(session, caller, family.Relationships, ct))
            {
                var cut = new SharingCut(caller, family.SharingConsents(clock.GetUtcNow()));
                cut.Frame();
                var view = ConcernView.Of(concern, cut.Decide($"concern:{concernId}", Datum.SocialWorkRecord(concern.ChildIds)));
                List<AccessLogEntry> entries = [AccessLogEntry.Use(caller, family.Id, $"concern:{concernId}", purpose!), .. cut.Disclosures(family.Id, purpose!)];
                return await log.TryRecordAsync(caller.Organisation, entries, ct)
                       ?? Results.Ok(new ConcernAnswer(concernId, concern.ReceivedAt, Stage(concern), FamilyId: family.Id, Concern: view));
            }
            if (location.NotifierId == caller.Id && concern is not null)
            {
                return Results.Ok(new ConcernAnswer(concernId, concern.ReceivedAt, Stage(concern),
                    concern.Decision is { } d && ConcernSource.IsDutyHolder(concern.Source.Agency)
                        ? d.Decision == ConcernDecision.StartAssessment : null));
            }
            return Problems.Result(Problems.NotFound("concern"));
        }
        if (notification is null)
        {
            return Problems.Result(Problems.NotFound("concern"));
        }
        if (notification.Notifier.Id == caller.Id)
        {
            return Results.Ok(new ConcernAnswer(concernId, notification.Content.ReceivedAt!.Value, NotificationStatus.Received));
        }
        if (caller.IsSocialWorker)
        {
            return await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, null, $"concern:{concernId}", purpose!)], ct)
                   ?? Results.Ok(new ConcernAnswer(concernId, notification.Content.ReceivedAt!.Value, notification.Status, Notification: View(notification)));
        }
        return Problems.Result(Problems.NotFound("concern"));
    }

    /// <summary>The notifications no single family holds the child of, oldest first, for the intake's social workers to place.</summary>
    [WolverineGet("/api/intake", OperationId = "listIntake")]
    [UseLogged]
    [Tags("Concerns")]
    public static async Task<Answer<List<NotificationView>>> List(string? status, int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context,
        CancellationToken ct) =>
        new(await ListAnswer(status, limit, cursor, store, log, context, ct));

    private static async Task<IResult> ListAnswer(string? status, int? limit, string? cursor, IDocumentStore store, AccessLog log, HttpContext context,
        CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsSocialWorker)
        {
            return Problems.Result(Problems.Forbidden("The intake is social work's: notifications name children and their concerns."));
        }
        var errors = new Dictionary<string, string[]>();
        if (status != NotificationStatus.Unmatched)
        {
            errors["status"] = ["List status=unmatched: the notifications waiting for a social worker to place them."];
        }
        var take = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, ReadCursor, errors);
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null || errors.Count > 0)
        {
            return Problems.Result(invalid ?? Problems.Invalid(errors));
        }
        var rows = await UnmatchedNotifications.PageAsync(store, caller.Organisation, NotificationStatus.Unmatched,
            after is { } a ? (a.At, a.Id) : null, take + 1, ct);
        var page = rows.Take(take).Select(r => r.Document).ToList();
        var entries = page.Select(n => AccessLogEntry.Use(caller, null, $"concern:{n.Id}", purpose!)).ToList();
        if (entries.Count > 0 && await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        if (rows.Count > take)
        {
            context.Response.Headers.Link = $"</api/intake?status=unmatched&limit={take}&cursor={WriteCursor(rows[take - 1])}>; rel=\"next\"";
        }
        return Results.Ok(page.Select(View).ToList());
    }

    /// <summary>
    /// A social worker places an unmatched notification on a family: the child named, or the child with the notification's
    /// identity code. Like raising a concern through the intake, it needs no relationship with the family first.
    /// </summary>
    [WolverinePost("/api/intake/{concernId}/link", OperationId = "linkIntakeNotification")]
    [WriteHeaders(etag: true)]
    [Tags("Concerns")]
    public static async Task<Answer<NotificationPlaced>> Link(Guid concernId, LinkNotification command, HttpContext context, OutboxedSessionFactory sessions,
        IMessageBus bus, AccessLog log, TimeProvider clock, CancellationToken ct) =>
        new(await LinkAnswer(concernId, command, context, sessions, bus, log, clock, ct));

    private static async Task<IResult> LinkAnswer(Guid concernId, LinkNotification command, HttpContext context, OutboxedSessionFactory sessions,
        IMessageBus bus, AccessLog log, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsSocialWorker)
        {
            return Problems.Result(Problems.Forbidden("Social workers place notifications on families."));
        }
        var messageContext = (MessageContext)bus;
        await using var session = sessions.OpenSession(messageContext, caller.Organisation);
        var notification = concernId == Guid.Empty ? null : await session.LoadAsync<Notification>(concernId, ct);
        if (notification is null)
        {
            return Problems.Result(Problems.NotFound("notification"));
        }
        var stream = await session.Events.FetchForExclusiveWriting<Family>(command.FamilyId!.Value, ct);
        var picture = await session.LoadAsync<FamilyPicture>(command.FamilyId.Value, ct);
        if (stream.Aggregate is null || picture is null)
        {
            return Problems.Result(Problems.NotFound());
        }
        // Checked under the family's lock and against the notification as loaded: a racing placement loses on its version.
        if (notification.Status != NotificationStatus.Unmatched)
        {
            return Problems.Result(Problems.Conflict("not-unmatched", $"The notification is {notification.Status}; only an unmatched one is placed."));
        }
        var (child, wrong) = ConcernPlacement.ChildToPlaceOn(picture, command.ChildId, notification.Content.Child!.PersonId, "child",
            "the notification's");
        wrong ??= ConcernPlacement.MayPlace(stream.Aggregate!, child!.Id, NotificationPlacement.AsConcern(notification));
        if (wrong is not null)
        {
            return Problems.Result(wrong);
        }
        var version = await NotificationPlacement.PlaceAsync(session, messageContext, stream, notification, child!.Id, caller.Id, clock.GetUtcNow(), ct);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return Problems.Result(Problems.Conflict("not-unmatched", "The notification was placed meanwhile. Look it up again."));
        }
        await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, stream.Id, $"concern:{concernId}", AccessPurpose.Default)], ct);
        context.Response.Headers.ETag = $"\"{version}\"";
        return Results.Ok(new NotificationPlaced(concernId, NotificationStatus.Placed, stream.Id, version));
    }

    /// <summary>Where a placed concern stands for its notifier: received, being processed (urgency assessed), decided.</summary>
    private static string Stage(PictureConcern c) => c.Decision is not null ? "decided" : c.Urgency is not null ? "being-processed" : "received";

    private static NotificationView View(Notification n) => new(n.Id, n.Status, n.Reason, n.Content.ReceivedAt!.Value, n.DecisionDue,
        n.Content.Child!, n.Content.Kind!.Value, n.Content.Source!, n.Content.Description!, n.Content.SuspectedOffence, n.Content.PoliceReported,
        n.Notifier, n.AcceptedAt);

    private sealed record IntakeCursor(DateTimeOffset At, Guid Id);

    /// <summary>Where a page ended: the last notification's place in the index (its stored acceptance, not the document's).</summary>
    private static string WriteCursor(StatusPages.Row<Notification> last) => PageCursor.Write($"{last.Position.UtcTicks}", $"{last.Document.Id:N}");

    private static IntakeCursor? ReadCursor(string text) =>
        PageCursor.Read(text, 2) is [var at, var last]
        && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
        && Guid.TryParseExact(last, "N", out var id)
            ? new IntakeCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
}

public sealed class LinkNotificationValidator : AbstractValidator<LinkNotification>
{
    public LinkNotificationValidator() => RuleFor(x => x.FamilyId).RequiredId();
}
