using System.Text.Json;
using Coordination.Audit;
using Coordination.Concerns;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using JasperFx;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Coordination.Intake;

/// <summary>A notification about a child, by a professional who need not know whether any family holds the child.</summary>
public sealed record NotifyConcern : IConcernContent
{
    public ChildInput? Child { get; init; }
    public ConcernKind? Kind { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public SourceInput? Source { get; init; }
    public string? Description { get; init; }
    public SuspectedOffence? SuspectedOffence { get; init; }
    public bool? PoliceReported { get; init; }
}

/// <summary>The notifier's receipt: that it was received, and by when it will be decided (LsL 26 §). Nothing about any family.</summary>
public sealed record NotificationReceipt(Guid ConcernId, string Status, DateOnly DecisionDue);

public static class NotifyConcernEndpoint
{
    /// <summary>The purpose of the disclosure-log entry for a notification from another agency to social work.</summary>
    public const string NotificationPurpose = "notification";

    /// <summary>
    /// LsL 25 §: a professional notifies child protection about a child. The service places the notification on the one
    /// family of the organisation that holds the child, or keeps it for social work (unmatched). The notifier gets no
    /// relationship with any family (ATL 9 §) and learns nothing about one: the answer is the same either way.
    /// </summary>
    [WolverinePost("/api/concerns", OperationId = "notifyConcern")]
    [WriteHeaders(idempotencyKey: true)]
    [Tags("Concerns")]
    [AcceptsForLater]
    public static async Task<Answer<NotificationReceipt>> Post(NotifyConcern command, HttpContext context, OutboxedSessionFactory sessions, IMessageBus bus,
        IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
        new(await PostAnswer(command, context, sessions, bus, store, clock, ct));

    private static async Task<IResult> PostAnswer(NotifyConcern command, HttpContext context, OutboxedSessionFactory sessions, IMessageBus bus,
        IDocumentStore store, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var now = clock.GetUtcNow();
        var refused = Refusals.CaseworkerOnly(caller, "notifies through the intake") ?? Refusals.NotACaseTime("receivedAt", command.ReceivedAt, now);
        if (refused is Decision.Refused r)
        {
            return Problems.Result(r.Problem);
        }
        var (preconditions, invalid) = Preconditions.Read(context, caller);
        if (invalid is not null || preconditions!.ExpectedVersion is not null)
        {
            return Problems.Result(invalid ?? Problems.Invalid("If-Match", "A notification names no family, so there is no version to match."));
        }

        var messageContext = (MessageContext)bus;
        await using var session = sessions.OpenSession(messageContext, caller.Organisation);
        if (preconditions.Idempotency is { } key && await session.LoadAsync<IdempotencyRecord>(key.Id, ct) is { } earlier)
        {
            return Replay(earlier, key);
        }

        var notification = new Notification
        {
            Id = Guid.CreateVersion7(), Notifier = caller.AsActor(), Content = command, AcceptedAt = now,
            DecisionDue = DeadlineRules.DecisionDue(command.ReceivedAt!.Value),
        };
        var receipt = new NotificationReceipt(notification.Id, NotificationStatus.Received, notification.DecisionDue);
        var body = JsonSerializer.Serialize(receipt, Json.Options);
        await bus.PublishAsync(new ProcessNotification(notification.Id), new DeliveryOptions { TenantId = caller.Organisation });
        session.Insert(notification);
        if (preconditions.Idempotency is { } newKey)
        {
            session.Insert(new IdempotencyRecord
            {
                Id = newKey.Id, RequestHash = newKey.RequestHash, Status = StatusCodes.Status202Accepted, Body = body, RecordedAt = now,
            });
        }
        if (caller.Agency != Agency.SocialWork)
        {
            // LsL 25 §: the notification is itself a disclosure to social work, logged with it or not at all.
            AccessLog.Queue(session, caller.Organisation, new AccessLogEntry(AccessKind.Disclosure, null, $"concern:{notification.Id}",
                Kebab.Name(caller.Agency), "social-work-intake", "Social work intake", Kebab.Name(Agency.SocialWork), NotificationPurpose,
                "lsl-25", Justification: $"notified by {caller.Id}"));
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (DocumentAlreadyExistsException) when (preconditions.Idempotency is { } racing)
        {
            // The same key won a race with us; our transaction (notification, envelope, log entry) was rolled back whole.
            await using var reader = store.QuerySession(caller.Organisation);
            var winner = await reader.LoadAsync<IdempotencyRecord>(racing.Id, ct);
            return winner is null ? Problems.Result(Problems.Unavailable("Retry the request.")) : Replay(winner, racing);
        }
        context.Response.Headers.Location = $"/api/concerns/{notification.Id}"; // where the notifier follows its status
        return Results.Content(body, "application/json", statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Replay(IdempotencyRecord earlier, IdempotencyKey key) =>
        earlier.RequestHash == key.RequestHash
            ? Results.Content(earlier.Body, "application/json", statusCode: earlier.Status)
            : Problems.Result(Problems.Conflict("idempotency-key-reused",
                "This Idempotency-Key was used before with another request. Use a new key for a new request."));
}

public sealed class NotifyConcernValidator : AbstractValidator<NotifyConcern>
{
    private static DateOnly? BirthDate(ChildInput child) =>
        child.BirthDate ?? (PersonalIdentityCode.Validate(child.PersonId, out var fromCode) == PersonalIdentityCode.Problem.None ? fromCode : null);

    public NotifyConcernValidator(TimeProvider clock)
    {
        RuleFor(x => x.Child).NotNull().WithMessage("Name the child: personId, or name and birthDate.");
        RuleFor(x => x.Child!).ChildRules(child =>
        {
            child.RuleFor(c => c.Name).NotEmpty().PlainText(Rules.NameMax);
            child.RuleFor(c => c.PersonId).PersonalIdentityCode();
            child.RuleFor(c => c.ExpectedBirthDate).Null()
                .WithMessage("A child not yet born is added to a family with expectedBirthDate, and the pre-birth notification recorded there.");
            child.RuleFor(c => c).Custom((c, ctx) => Person.CheckBirthDate(c.PersonId, c.BirthDate, clock, ctx));
        }).When(x => x.Child is not null);
        // The intake places a notification by the child's identity code; a child not yet born has none.
        RuleFor(x => x.Kind).Must(k => k != ConcernKind.PreBirthNotification)
            .WithMessage("A pre-birth notification (LsL 25 c §) names a child not yet born, who has no identity code to place it by: social "
                         + "work records it on the family (POST /api/families/{familyId}/concerns), adding the expected child first.");
        // A child applies from the age of 12, for themself (LsL 21 §).
        RuleFor(x => x.Source!.Agency).Must((x, _) => BirthDate(x.Child!) is { } born && ConcernSource.OldEnoughToApply(born, x.ReceivedAt!.Value))
            .When(x => x is { Kind: ConcernKind.Application, Source.Agency: SourceAgency.Child, Child: not null, ReceivedAt: not null })
            .WithMessage($"A child applies from the age of {ConcernSource.ChildApplicantAge} (LsL 21 §).")
            .OverridePropertyName("source.agency");
        Include(new ConcernContentValidator());
    }
}
