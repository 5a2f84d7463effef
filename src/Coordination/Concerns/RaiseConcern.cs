using Coordination.Access;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Concerns;

/// <summary>What a notification says, however it arrives (on a family, or through the intake).</summary>
public interface IConcernContent
{
    ConcernKind? Kind { get; }
    DateTimeOffset? ReceivedAt { get; }
    SourceInput? Source { get; }
    string? Description { get; }
    SuspectedOffence? SuspectedOffence { get; }
    bool? PoliceReported { get; }
}

[BodyExample(Examples.RaiseConcern)]
public sealed record RaiseConcern : IConcernContent
{
    public IReadOnlyList<Guid>? ChildIds { get; init; }
    public ConcernKind? Kind { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public SourceInput? Source { get; init; }
    public string? Description { get; init; }
    public SuspectedOffence? SuspectedOffence { get; init; }
    public bool? PoliceReported { get; init; }
}

public sealed record SourceInput(SourceAgency? Agency, string? Organisation, string? ReporterRole, bool? Anonymous);

public sealed record ConcernRaisedResponse(Guid ConcernId, long Version, string UrgencyAssessmentDue, DateOnly DecisionDue);

public static class RaiseConcernEndpoint
{
    [WolverinePost("/api/families/{familyId}/concerns", OperationId = "raiseConcern")]
    [Tags("Concerns")]
    [Creates]
    public static async Task<Written<ConcernRaisedResponse>> Post(Guid familyId, RaiseConcern command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, command, writes.Caller, writes.Now)));

    /// <summary>
    /// A case-working professional who already works with the family raises a concern on it (LsL 25 §). It gives no
    /// relationship (ATL 9 §): whoever does not work with the family notifies through the intake (POST /api/concerns).
    /// </summary>
    public static Decision Decide(Family family, RaiseConcern command, Professional caller, DateTimeOffset now)
    {
        if (Refusals.CaseworkerOnly(caller, "raises a concern") is { } forbidden)
        {
            return forbidden;
        }
        if (Refusals.NotACaseTime("receivedAt", command.ReceivedAt, now) is { } future)
        {
            return future;
        }
        var unknown = command.ChildIds!.Where(c => !family.ChildIds.Contains(c)).ToList();
        if (unknown.Count > 0)
        {
            return Decision.Refuse(Problems.Invalid("childIds", "Every child must be a child of this family."));
        }

        var childIds = command.ChildIds!.Distinct().ToList();
        if (ConcernRules.ChildrenFit(family, childIds, command) is { } misfit)
        {
            return misfit;
        }
        var raised = Raised(Guid.CreateVersion7(), childIds, command, caller.AsActor());
        return new Decision.Accepted(
            [raised],
            version => new ConcernRaisedResponse(raised.ConcernId, version, "immediately", raised.DecisionDue),
            StatusCodes.Status201Created)
        {
            Scheduled = DeadlineChecks.For(family.Id, DeadlineRules.ForConcern(raised)),
            Location = $"/api/concerns/{raised.ConcernId}",
        };
    }

    /// <summary>The fact of a concern received: its deadlines count from the Helsinki date of receipt (LsL 26 §).</summary>
    public static ConcernRaised Raised(Guid concernId, IReadOnlyList<Guid> childIds, IConcernContent content, Actor by)
    {
        var receivedAt = content.ReceivedAt!.Value;
        var source = content.Source!;
        return new ConcernRaised(
            concernId, childIds, content.Kind!.Value, receivedAt,
            new ConcernSource(source.Agency!.Value, source.Organisation, source.ReporterRole, source.Anonymous ?? false),
            content.Description!, content.SuspectedOffence ?? Concerns.SuspectedOffence.None, content.PoliceReported,
            UrgencyDue: Calendar.FinnishCalendar.HelsinkiDate(receivedAt),
            DecisionDue: DeadlineRules.DecisionDue(receivedAt),
            by, receivedAt);
    }
}

public sealed class RaiseConcernValidator : AbstractValidator<RaiseConcern>
{
    public RaiseConcernValidator()
    {
        RuleFor(x => x.ChildIds).NotEmpty().WithMessage("Name at least one child of the family.");
        Include(new ConcernContentValidator());
    }
}

/// <summary>The rules of a notification's content, wherever it arrives.</summary>
public sealed class ConcernContentValidator : AbstractValidator<IConcernContent>
{
    public ConcernContentValidator()
    {
        RuleFor(x => x.Kind).NotNull();
        RuleFor(x => x.ReceivedAt).NotNull();
        RuleFor(x => x.Description).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.Source).NotNull();
        RuleFor(x => x.Source!.Agency).NotNull().When(x => x.Source is not null).OverridePropertyName("source.agency");
        RuleFor(x => x.Source!.Organisation).PlainText(Rules.NameMax).When(x => x.Source is not null).OverridePropertyName("source.organisation");
        RuleFor(x => x.Source!.ReporterRole).PlainText(Rules.NameMax).When(x => x.Source is not null).OverridePropertyName("source.reporterRole");
        // LsL 25 §: those with a duty to notify cannot do it anonymously.
        RuleFor(x => x.Source!.Anonymous)
            .Must(anonymous => anonymous != true)
            .When(x => x.Source?.Agency is { } agency && ConcernSource.IsDutyHolder(agency))
            .WithMessage("A notifier with a duty to notify cannot be anonymous (LsL 25 §).")
            .OverridePropertyName("source.anonymous");
        // An application is the client's own: from a guardian, another legal representative or the child (contract 1.1).
        RuleFor(x => x.Source!.Agency)
            .Must(agency => ConcernSource.MayApply(agency!.Value))
            .When(x => x.Kind == ConcernKind.Application && x.Source?.Agency is not null)
            .WithMessage("An application comes from a guardian, another legal representative, or a child aged 12 or more "
                         + "(source.agency guardian, legal-representative or child). Others notify: kind child-welfare-notification.")
            .OverridePropertyName("source.agency");
        RuleFor(x => x.Source!.Anonymous)
            .Must(anonymous => anonymous != true)
            .When(x => x.Kind == ConcernKind.Application && x.Source is not null)
            .WithMessage("An application names its applicant; it cannot be anonymous.")
            .OverridePropertyName("source.anonymous");
        // LsL 25 § 3: a suspected sexual offence or serious violence also needs a police report; say whether it was made.
        RuleFor(x => x.PoliceReported)
            .NotNull()
            .When(x => x.SuspectedOffence is not null and not SuspectedOffence.None)
            .WithMessage("With a suspected offence, state whether a police report was made (LsL 25 § 3).");
    }
}

/// <summary>Which children a concern of a kind may name. Pure.</summary>
public static class ConcernRules
{
    /// <summary>
    /// A pre-birth notification (LsL 25 c §) names only children not yet born when it was received; any other concern only
    /// children already born by then (Helsinki dates; on the day of the birth, either). A child's application is that child's own: one child, aged 12 or more on the day of receipt.
    /// </summary>
    public static Decision? ChildrenFit(Family family, IReadOnlyList<Guid> childIds, IConcernContent content) =>
        ChildrenFit(family, childIds, content.Kind!.Value, content.Source?.Agency, content.ReceivedAt!.Value);

    /// <inheritdoc cref="ChildrenFit(Family, IReadOnlyList{Guid}, IConcernContent)"/>
    public static Decision? ChildrenFit(Family family, IReadOnlyList<Guid> childIds, ConcernKind kind, SourceAgency? agency,
        DateTimeOffset receivedAt)
    {
        var receivedOn = Calendar.FinnishCalendar.HelsinkiDate(receivedAt);
        // On the day of the birth either kind may name the child (a notification in the morning, the birth in the evening):
        // as the birth is checked against a pre-birth notification, by the Helsinki date.
        bool UnbornOnReceipt(Guid c) => family.ExpectedChildren.ContainsKey(c)
                                       || (family.ChildBirthDates.TryGetValue(c, out var born) && born >= receivedOn);
        bool BornOnReceipt(Guid c) => family.ChildBirthDates.TryGetValue(c, out var born) && born <= receivedOn;
        if (kind == ConcernKind.PreBirthNotification)
        {
            return childIds.All(UnbornOnReceipt) ? null : Decision.Refuse(Problems.Invalid("childIds",
                "A pre-birth notification (LsL 25 c §) names a child not yet born when it was received: add the expected child with expectedBirthDate."));
        }
        if (!childIds.All(BornOnReceipt))
        {
            return Decision.Refuse(Problems.Invalid("childIds",
                "A child not yet born when the concern was received is named only by a pre-birth notification (LsL 25 c §)."));
        }
        if (kind == ConcernKind.Application && agency == SourceAgency.Child)
        {
            var old = childIds is [var applicant] && family.ChildBirthDates.TryGetValue(applicant, out var birthDate)
                      && ConcernSource.OldEnoughToApply(birthDate, receivedAt);
            return old ? null : Decision.Refuse(Problems.Invalid("source.agency",
                $"A child applies from the age of {ConcernSource.ChildApplicantAge} (LsL 21 §), for themself: name that one child."));
        }
        return null;
    }
}
