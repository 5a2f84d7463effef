using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Wolverine.Http;

namespace Coordination.Consent;

public sealed record WithdrawConsent(DateTimeOffset? WithdrawnAt, string? Reason);

public sealed record ConsentWithdrawnResponse(Guid ConsentId, long Version);

public static class WithdrawConsentEndpoint
{
    [WolverinePost("/api/families/{familyId}/consents/{consentId}/withdrawal", OperationId = "withdrawConsent")]
    [Tags("Consent")]
    public static async Task<Written<ConsentWithdrawnResponse>> Post(Guid familyId, Guid consentId, WithdrawConsent command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, family => Decide(family, consentId, command, writes.Caller, writes.Now)));

    /// <summary>Consent can always be withdrawn; once. Withdrawal takes effect for the next read.</summary>
    public static Decision Decide(Family family, Guid consentId, WithdrawConsent command, Professional caller, DateTimeOffset now)
    {
        if (!family.Consents.TryGetValue(consentId, out var consent))
        {
            return Refusals.NotFound("consent");
        }
        if (Refusals.CaseworkerOnly(caller, "records a withdrawal") is { } forbidden)
        {
            return forbidden;
        }
        if (consent.Withdrawn)
        {
            return Decision.Refuse(Problems.Conflict("consent-withdrawn", "This consent has been withdrawn already."));
        }
        var withdrawnAt = command.WithdrawnAt ?? now;
        // Withdrawal takes effect when it is recorded (docs/sharing.md §2): a time ahead would keep sharing until then, so no
        // clock skew is allowed here.
        if (withdrawnAt > now)
        {
            return Decision.Refuse(Problems.Invalid("withdrawnAt",
                "A withdrawal takes effect when it is recorded; withdrawnAt cannot be in the future. Leave it out to mean now."));
        }
        if (Refusals.NotACaseTime("withdrawnAt", withdrawnAt, now) is { } invalid)
        {
            return invalid;
        }
        if (Refusals.NotBefore("withdrawnAt", withdrawnAt, "consent-given", consentId, consent.GivenAt) is { } beforeGiven)
        {
            return beforeGiven; // a consent cannot be withdrawn before it was given
        }
        var withdrawn = new ConsentWithdrawn(consentId, command.Reason, caller.AsActor(), withdrawnAt);
        return Decision.Ok(version => new ConsentWithdrawnResponse(consentId, version), withdrawn);
    }
}

public sealed class WithdrawConsentValidator : AbstractValidator<WithdrawConsent>
{
    public WithdrawConsentValidator() => RuleFor(x => x.Reason).PlainText(Rules.ShortTextMax);
}
