using Coordination.Hosting;
using Coordination.Families;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Assessment.Hearing;

[BodyExample(Examples.RecordChildHearing)]
public sealed record RecordChildHearing(Guid? ChildId, DateTimeOffset? HeardAt, HearingMethod? Method, string? Views, string? NotHeardReason);

public sealed record ChildHearingRecordedResponse(Guid HearingId, long Version);

public static class RecordChildHearingEndpoint
{
    [WolverinePost("/api/families/{familyId}/assessments/{assessmentId}/child-hearings", OperationId = "recordChildHearing")]
    [Tags("Assessment")]
    [Creates]
    public static async Task<Written<ChildHearingRecordedResponse>> Post(Guid familyId, Guid assessmentId, RecordChildHearing command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, assessmentId, command, writes.Caller, writes.Now)));

    /// <summary>LsL 20 §: the child's wishes and views are found out whatever the age; method and main content are recorded.</summary>
    public static Decision Decide(Family family, Guid assessmentId, RecordChildHearing command, Identity.Professional caller, DateTimeOffset now)
    {
        var (assessment, refused) = AssessmentRules.Open(family, assessmentId, "recorded");
        refused ??= assessment is null ? null : AssessmentRules.Hears(assessment, caller)
            ?? AssessmentRules.ChildrenOf(assessment, [command.ChildId!.Value], "childId")
            ?? Refusals.NotACaseTime("heardAt", command.HeardAt, now)
            ?? assessment.NotBeforeStart("heardAt", command.HeardAt);
        if (refused is not null)
        {
            return refused;
        }
        if (family.ExpectedChildren.ContainsKey(command.ChildId!.Value) && !string.IsNullOrWhiteSpace(command.Views))
        {
            return Decision.Refuse(Problems.Invalid("views",
                "A child not yet born has no views to hear (LsL 20 §): record why not with notHeardReason, or hear the child after the birth."));
        }
        var heard = new ChildHearingRecorded(Guid.CreateVersion7(), assessmentId, command.ChildId!.Value, command.Method,
            command.Views, command.NotHeardReason, caller.AsActor(), command.HeardAt!.Value);
        return Decision.Created(version => new ChildHearingRecordedResponse(heard.HearingId, version), heard);
    }
}

public sealed class RecordChildHearingValidator : AbstractValidator<RecordChildHearing>
{
    public RecordChildHearingValidator()
    {
        RuleFor(x => x.ChildId).RequiredId();
        RuleFor(x => x.HeardAt).NotNull();
        RuleFor(x => x.Views).PlainText(Rules.NarrativeMax);
        RuleFor(x => x.NotHeardReason).PlainText(Rules.NarrativeMax);
        RuleFor(x => x).Must(x => string.IsNullOrWhiteSpace(x.Views) != string.IsNullOrWhiteSpace(x.NotHeardReason))
            .WithName("views").OverridePropertyName("views")
            .WithMessage("Give exactly one of views and notHeardReason.");
        RuleFor(x => x.Method).NotNull().When(x => !string.IsNullOrWhiteSpace(x.Views))
            .WithMessage("Record how the child was heard (LsL 20 §).");
    }
}
