using Coordination.Assessment;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Concerns;

[BodyExample(Examples.DecideOnConcern)]
public sealed record DecideOnConcern(ConcernDecision? Decision, DateTimeOffset? DecidedAt, string? Reason, DateTimeOffset? ChildAndGuardianInformedAt);

/// <summary>
/// The decision's answer: 201 with the assessment it started, or 200 with the running one it joined (<c>joinedExisting</c>),
/// or 200 without an assessment when none is needed.
/// </summary>
public sealed record ConcernDecidedResponse(Guid ConcernId, long Version, Guid? AssessmentId = null, DateOnly? CompletionDue = null,
    bool JoinedExisting = false);

public static class DecideOnConcernEndpoint
{
    [WolverinePost("/api/families/{familyId}/concerns/{concernId}/decision", OperationId = "decideOnConcern")]
    [Tags("Concerns")]
    [Creates(orOk: true)]
    public static async Task<Written<ConcernDecidedResponse>> Post(Guid familyId, Guid concernId, DecideOnConcern command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, concernId, command, writes.Caller, writes.Now)));

    /// <summary>
    /// LsL 26 §: within 7 working days a social worker decides whether to assess the need for services. Deciding to assess
    /// while an assessment runs joins the concern to it.
    /// </summary>
    public static Decision Decide(Family family, Guid concernId, DecideOnConcern command, Professional caller, DateTimeOffset now)
    {
        if (!family.Concerns.TryGetValue(concernId, out var concern))
        {
            return Refusals.NotFound("concern");
        }
        if (Refusals.SocialWorkOnly(caller, "decides on a concern") is { } forbidden)
        {
            return forbidden;
        }
        if (concern.Decided)
        {
            return Decision.Refuse(Problems.Conflict("concern-already-decided", "This concern has been decided already."));
        }
        if (!concern.UrgencyAssessed)
        {
            return Decision.Refuse(Problems.Conflict("urgency-not-assessed", "Assess the urgency of the concern first (LsL 26 §)."));
        }
        if ((Refusals.NotACaseTime("decidedAt", command.DecidedAt, now)
             ?? Refusals.NotACaseTime("childAndGuardianInformedAt", command.ChildAndGuardianInformedAt, now)
             ?? Refusals.NotBeforeReceipt("decidedAt", command.DecidedAt, concernId, concern.ReceivedAt)
             ?? Refusals.NotBefore("decidedAt", command.DecidedAt, "urgency-assessed", concernId, concern.UrgencyAssessedAt ?? concern.ReceivedAt)
             ?? Refusals.NotBeforeReceipt("childAndGuardianInformedAt", command.ChildAndGuardianInformedAt, concernId, concern.ReceivedAt)) is { } invalid)
        {
            return invalid;
        }

        var decidedAt = command.DecidedAt!.Value;
        var by = caller.AsActor();
        if (command.Decision == ConcernDecision.NoAssessmentNeeded)
        {
            var decided = new ConcernDecided(concernId, ConcernDecision.NoAssessmentNeeded, command.Reason, command.ChildAndGuardianInformedAt, null, by, decidedAt);
            return Writing.Decision.Ok(version => new ConcernDecidedResponse(concernId, version), decided);
        }

        if (family.RunningAssessment is { } running)
        {
            // Joined, the concern is decided into the running assessment: not before that assessment started.
            if (Refusals.NotBefore("decidedAt", decidedAt, "assessment-started", running.Id, running.StartedAt) is { } beforeStart)
            {
                return beforeStart;
            }
            var due = family.Deadlines[DeadlineRules.Key(DeadlineKind.AssessmentCompletion, running.Id)].DueDate;
            return Writing.Decision.Ok(
                version => new ConcernDecidedResponse(concernId, version, running.Id, due, JoinedExisting: true),
                new ConcernDecided(concernId, ConcernDecision.StartAssessment, command.Reason, command.ChildAndGuardianInformedAt, running.Id, by, decidedAt),
                new ConcernJoinedAssessment(running.Id, concernId, concern.ChildIds, by, decidedAt));
        }

        var assessmentId = Guid.CreateVersion7();
        // SHL 36 §, LsL 26 § 5: three months from the day the matter became pending, the concern's receipt.
        var started = new AssessmentStarted(assessmentId, [concernId], concern.ChildIds, DeadlineRules.CompletionDue(concern.ReceivedAt), by, decidedAt);
        return new Writing.Decision.Accepted(
            [new ConcernDecided(concernId, ConcernDecision.StartAssessment, command.Reason, command.ChildAndGuardianInformedAt, assessmentId, by, decidedAt), started],
            version => new ConcernDecidedResponse(concernId, version, assessmentId, started.CompletionDue),
            StatusCodes.Status201Created)
        {
            Scheduled = DeadlineChecks.For(family.Id, [DeadlineRules.ForAssessment(started, concern.ReceivedAt)]),
        };
    }
}

public sealed class DecideOnConcernValidator : AbstractValidator<DecideOnConcern>
{
    public DecideOnConcernValidator()
    {
        RuleFor(x => x.Decision).NotNull();
        RuleFor(x => x.DecidedAt).NotNull();
        RuleFor(x => x.Reason).PlainText(Rules.NarrativeMax);
        RuleFor(x => x.Reason).NotEmpty().When(x => x.Decision == ConcernDecision.NoAssessmentNeeded)
            .WithMessage("Record why an assessment is obviously unnecessary (LsL 26 §).");
    }
}
