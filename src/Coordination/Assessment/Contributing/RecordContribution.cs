using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Assessment.Contributing;

/// <summary>A contribution to the assessment from one agency, answering an invitation or on its own.</summary>
[BodyExample(Examples.RecordContribution)]
public sealed record RecordContribution
{
    public Guid? InvitationId { get; init; }
    public IReadOnlyList<Guid>? ChildIds { get; init; }
    public string? Summary { get; init; }
    public string? Observations { get; init; }
    public ContributionCategory? Category { get; init; }
    public LegalBasis? LegalBasis { get; init; }
    public Guid? Supersedes { get; init; }
    /// <summary>When what it describes happened (a meeting, a visit); defaults to now. Recorded time is the store's.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
}

public sealed record ContributionRecordedResponse(Guid ContributionId, long Version);

public static class RecordContributionEndpoint
{
    [WolverinePost("/api/families/{familyId}/assessments/{assessmentId}/contributions", OperationId = "recordContribution")]
    [Tags("Assessment")]
    [Creates]
    public static async Task<Written<ContributionRecordedResponse>> Post(Guid familyId, Guid assessmentId, RecordContribution command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, assessmentId, command, writes.Caller, writes.Now)));

    /// <summary>An agency taking part records what it knows, for its own agency. A correction supersedes; nothing is edited.</summary>
    public static Decision Decide(Family family, Guid assessmentId, RecordContribution command, Professional caller, DateTimeOffset now)
    {
        var (assessment, refused) = AssessmentRules.Open(family, assessmentId, "contributed");
        refused ??= assessment is null ? null : AssessmentRules.TakesPart(assessment, caller)
            ?? AssessmentRules.ChildrenOf(assessment, command.ChildIds!, "childIds")
            ?? Refusals.NotACaseTime("occurredAt", command.OccurredAt, now); // what it describes may predate the assessment
        if (refused is not null)
        {
            return refused;
        }
        if (command.InvitationId is { } invitation
            && (!assessment!.Invitations.TryGetValue(invitation, out var invitedAgency) || invitedAgency != caller.Agency))
        {
            return Decision.Refuse(Problems.Invalid("invitationId", "No invitation of your agency with this id in this assessment."));
        }
        if (command.Supersedes is { } earlier)
        {
            if (!assessment!.Contributions.TryGetValue(earlier, out var superseded) || superseded.Agency != caller.Agency)
            {
                return Decision.Refuse(Problems.Invalid("supersedes", "No contribution of your agency with this id in this assessment."));
            }
            if (superseded.SupersededBy is not null)
            {
                return Decision.Refuse(Problems.Conflict("already-superseded",
                    $"That contribution was corrected already by {superseded.SupersededBy}; correct the latest one."));
            }
        }
        var recorded = new ContributionRecorded(Guid.CreateVersion7(), assessmentId, command.InvitationId, caller.Agency,
            command.ChildIds!.Distinct().ToList(), command.Summary!, command.Observations, command.Category!.Value,
            command.LegalBasis!.Value, command.Supersedes, caller.AsActor(), command.OccurredAt ?? now);
        return Decision.Created(version => new ContributionRecordedResponse(recorded.ContributionId, version), recorded);
    }
}

public sealed class RecordContributionValidator : AbstractValidator<RecordContribution>
{
    public RecordContributionValidator()
    {
        RuleFor(x => x.ChildIds).NotEmpty();
        RuleFor(x => x.Summary).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.Observations).PlainText(Rules.NarrativeMax);
        RuleFor(x => x.Category).NotNull();
        RuleFor(x => x.LegalBasis).NotNull();
    }
}
