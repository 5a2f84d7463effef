using Coordination.Families;
using Coordination.Hosting;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Assessment.Concluding;

[BodyExample(Examples.ConcludeAssessment)]
public sealed record ConcludeAssessment(AssessmentOutcome? Outcome, string? Summary, string? ClientOpinion, bool? NamedWorkerNeeded,
    string? ResponsibleSocialWorkerId, DateTimeOffset? ConcludedAt);

public sealed record AssessmentConcludedResponse(Guid AssessmentId, long Version, AssessmentOutcome Outcome);

public static class ConcludeAssessmentEndpoint
{
    [WolverinePost("/api/families/{familyId}/assessments/{assessmentId}/conclusion", OperationId = "concludeAssessment")]
    [Tags("Assessment")]
    public static async Task<Written<AssessmentConcludedResponse>> Post(Guid familyId, Guid assessmentId, ConcludeAssessment command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId,
            (session, family, ct) => command.ResponsibleSocialWorkerId is { } worker
                ? SystemicTeams.ResponsibleWorkers.CandidateAsync(session, writes.Caller.Organisation, worker, family.Id, ct)
                : Task.FromResult(SystemicTeams.ResponsibleWorkers.Candidate.None),
            (family, worker) => Decide(family, assessmentId, command, worker, writes.Caller, writes.Now)));

    /// <summary>
    /// SHL 37 §, LsL 27 §: social work concludes, and only when every child of the assessment has been heard (LsL 20 §).
    /// A named responsible social worker, a social worker known to the service, takes on the family's children, within the
    /// limit of LsL 13 b §.
    /// </summary>
    public static Decision Decide(Family family, Guid assessmentId, ConcludeAssessment command, SystemicTeams.ResponsibleWorkers.Candidate worker,
        Identity.Professional caller, DateTimeOffset now)
    {
        if (!family.Assessments.TryGetValue(assessmentId, out var assessment))
        {
            return Refusals.NotFound("assessment");
        }
        if (Refusals.SocialWorkOnly(caller, "concludes an assessment") is { } forbidden)
        {
            return forbidden;
        }
        if (assessment.Concluded)
        {
            return Decision.Refuse(Problems.Conflict("assessment-concluded", "The assessment is concluded already."));
        }
        var unheard = assessment.ChildIds.Where(c => !assessment.HeardChildIds.Contains(c)).ToList();
        if (unheard.Count > 0)
        {
            var problem = Problems.Conflict("child-not-heard",
                "Every child of the assessment must be heard, or the reason recorded, before it is concluded (LsL 20 §).");
            problem.Extensions["unheardChildIds"] = unheard;
            return Decision.Refuse(problem);
        }
        if ((Refusals.NotACaseTime("concludedAt", command.ConcludedAt, now)
             ?? assessment.NotBeforeStart("concludedAt", command.ConcludedAt)
             ?? NotBefore(command.ConcludedAt, assessment.LatestHearing)
             ?? NotBefore(command.ConcludedAt, assessment.LatestJoin)) is { } invalid)
        {
            return invalid;
        }
        if (command.ResponsibleSocialWorkerId is not null
            && (SystemicTeams.ResponsibleWorkers.NotASocialWorker(worker, "responsibleSocialWorkerId")
                ?? SystemicTeams.ResponsibleWorkers.OverLimit(worker.ChildrenHeldElsewhere + family.ChildIds.Count)) is { } refused)
        {
            return refused;
        }
        var concluded = new AssessmentConcluded(assessmentId, command.Outcome!.Value, command.Summary!, command.ClientOpinion,
            command.NamedWorkerNeeded ?? false, command.ResponsibleSocialWorkerId, caller.AsActor(), command.ConcludedAt!.Value);
        return Decision.Ok(version => new AssessmentConcludedResponse(assessmentId, version, concluded.Outcome), concluded);
    }

    private static Decision? NotBefore(DateTimeOffset? concludedAt, EarlierFact? earlier) =>
        earlier is null ? null : Refusals.NotBefore("concludedAt", concludedAt, earlier.Fact, earlier.Id, earlier.OccurredAt);
}

public sealed class ConcludeAssessmentValidator : AbstractValidator<ConcludeAssessment>
{
    public ConcludeAssessmentValidator()
    {
        RuleFor(x => x.Outcome).NotNull();
        RuleFor(x => x.Summary).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.ClientOpinion).PlainText(Rules.NarrativeMax);
        RuleFor(x => x.ConcludedAt).NotNull();
        RuleFor(x => x.ResponsibleSocialWorkerId).PlainText(Rules.NameMax);
        // LsL 13 b §: a child-protection client has a named responsible social worker.
        RuleFor(x => x.ResponsibleSocialWorkerId).NotEmpty().When(x => x.Outcome == AssessmentOutcome.ChildProtectionClient)
            .WithMessage("A child-protection client needs a responsible social worker (LsL 13 b §).");
    }
}
