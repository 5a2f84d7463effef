using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Assessment.Inviting;

[BodyExample(Examples.InviteAgency)]
public sealed record InviteAgency(Agency? Agency, string? ProfessionalId, string? Question, DateOnly? RespondBy);

public sealed record InvitationSentResponse(Guid InvitationId, long Version);

public static class InviteAgencyEndpoint
{
    [WolverinePost("/api/families/{familyId}/assessments/{assessmentId}/invitations", OperationId = "inviteAgency")]
    [Tags("Assessment")]
    [Creates]
    public static async Task<Written<InvitationSentResponse>> Post(Guid familyId, Guid assessmentId, InviteAgency command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, assessmentId, command, writes.Caller, writes.Now)));

    /// <summary>SHL 41 §: the assessing social worker asks other authorities to take part; the invited get a relationship.</summary>
    public static Decision Decide(Family family, Guid assessmentId, InviteAgency command, Professional caller, DateTimeOffset now)
    {
        var (assessment, refused) = AssessmentRules.Open(family, assessmentId, "invited");
        if ((refused ?? Refusals.SocialWorkOnly(caller, "invites other agencies")) is { } refusal)
        {
            return refusal;
        }
        if (assessment!.LeadSocialWorkerId != caller.Id)
        {
            return Decision.Refuse(Problems.Forbidden("Only the social worker leading the assessment invites other agencies."));
        }
        var invited = new AgencyInvited(Guid.CreateVersion7(), assessmentId, command.Agency!.Value, command.ProfessionalId,
            command.Question!, command.RespondBy, caller.AsActor(), now);
        return Decision.Created(version => new InvitationSentResponse(invited.InvitationId, version), invited);
    }
}

public sealed class InviteAgencyValidator : AbstractValidator<InviteAgency>
{
    public InviteAgencyValidator(TimeProvider clock)
    {
        RuleFor(x => x.Agency).NotNull()
            .Must(a => a is Agency.ChildPsychiatry or Agency.SchoolWelfare or Agency.FamilyWork or Agency.SocialWork)
            .WithMessage("Invite one of social-work, child-psychiatry, school-welfare, family-work.");
        RuleFor(x => x.ProfessionalId).PlainText(Rules.NameMax);
        RuleFor(x => x.Question).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.RespondBy).Must(d => d >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .When(x => x.RespondBy is not null).WithMessage("respondBy is in the past.");
    }
}
