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

public sealed record RaiseConcern
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
    public static Task<IResult> Post(Guid familyId, RaiseConcern command, FamilyWrites writes) =>
        writes.AppendAsNotifierAsync(familyId, family => Decide(family, command, writes.Caller, writes.Now));

    /// <summary>Any case-working professional of the organisation may raise a concern (LsL 25 §); it gives them a relationship.</summary>
    public static Decision Decide(Family family, RaiseConcern command, Professional caller, DateTimeOffset now)
    {
        if (!FamilyAccess.MayRaiseConcern(caller))
        {
            return Decision.Refuse(Problems.Forbidden("Only case-working professionals raise concerns."));
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

        var receivedAt = command.ReceivedAt!.Value;
        var source = command.Source!;
        var raised = new ConcernRaised(
            Guid.CreateVersion7(), command.ChildIds!.Distinct().ToList(), command.Kind!.Value, receivedAt,
            new ConcernSource(source.Agency!.Value, source.Organisation, source.ReporterRole, source.Anonymous ?? false),
            command.Description!, command.SuspectedOffence ?? Concerns.SuspectedOffence.None, command.PoliceReported,
            UrgencyDue: Calendar.FinnishCalendar.HelsinkiDate(receivedAt),
            DecisionDue: DeadlineRules.DecisionDue(receivedAt),
            caller.AsActor(), receivedAt);
        return new Decision.Accepted(
            [raised],
            version => new ConcernRaisedResponse(raised.ConcernId, version, "immediately", raised.DecisionDue),
            StatusCodes.Status201Created)
        {
            Scheduled = DeadlineChecks.For(family.Id, DeadlineRules.ForConcern(raised)),
        };
    }
}

public sealed class RaiseConcernValidator : AbstractValidator<RaiseConcern>
{
    public RaiseConcernValidator()
    {
        RuleFor(x => x.ChildIds).NotEmpty().WithMessage("Name at least one child of the family.");
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
        // LsL 25 § 3: a suspected sexual offence or serious violence also needs a police report; say whether it was made.
        RuleFor(x => x.PoliceReported)
            .NotNull()
            .When(x => x.SuspectedOffence is not null and not SuspectedOffence.None)
            .WithMessage("With a suspected offence, state whether a police report was made (LsL 25 § 3).");
    }
}
