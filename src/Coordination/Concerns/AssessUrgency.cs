using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Concerns;

[BodyExample(Examples.AssessUrgency)]
public sealed record AssessUrgency(bool? Urgent, DateTimeOffset? AssessedAt, string? Reasoning);

public sealed record UrgencyAssessedResponse(Guid ConcernId, long Version);

public static class AssessUrgencyEndpoint
{
    [WolverinePost("/api/families/{familyId}/concerns/{concernId}/urgency", OperationId = "assessUrgency")]
    [Tags("Concerns")]
    public static async Task<Written<UrgencyAssessedResponse>> Post(Guid familyId, Guid concernId, AssessUrgency command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, concernId, command, writes.Caller, writes.Now)));

    /// <summary>LsL 26 §: a social worker assesses urgency immediately, once per concern.</summary>
    public static Decision Decide(Family family, Guid concernId, AssessUrgency command, Professional caller, DateTimeOffset now)
    {
        if (!family.Concerns.TryGetValue(concernId, out var concern))
        {
            return Refusals.NotFound("concern");
        }
        if (Refusals.SocialWorkOnly(caller, "assesses urgency") is { } forbidden)
        {
            return forbidden;
        }
        if (concern.UrgencyAssessed)
        {
            return Decision.Refuse(Problems.Conflict("urgency-already-assessed", "The urgency of this concern has been assessed already."));
        }
        if ((Refusals.NotACaseTime("assessedAt", command.AssessedAt, now)
             ?? Refusals.NotBeforeReceipt("assessedAt", command.AssessedAt, concernId, concern.ReceivedAt)) is { } invalid)
        {
            return invalid;
        }
        var assessed = new UrgencyAssessed(concernId, command.Urgent!.Value, command.Reasoning!, caller.AsActor(), command.AssessedAt!.Value);
        return Decision.Ok(version => new UrgencyAssessedResponse(concernId, version), assessed);
    }
}

public sealed class AssessUrgencyValidator : AbstractValidator<AssessUrgency>
{
    public AssessUrgencyValidator()
    {
        RuleFor(x => x.Urgent).NotNull();
        RuleFor(x => x.AssessedAt).NotNull();
        RuleFor(x => x.Reasoning).NotEmpty().PlainText(Rules.NarrativeMax);
    }
}
