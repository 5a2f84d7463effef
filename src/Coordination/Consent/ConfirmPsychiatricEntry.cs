using Coordination.Access;
using Coordination.Assessment;
using Coordination.Audit;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.Consent;

public sealed record ConfirmPsychiatricEntry(string? Purpose, string? Justification);

public sealed record ConfirmedEntryResponse(long Version, ContributionView Contribution, string SharedUnder);

public static class ConfirmPsychiatricEntryEndpoint
{
    /// <summary>
    /// ATL 26 § 2: outside child psychiatry a psychiatric entry is read only after a separate confirmation with a purpose and a
    /// justification. Refused (403) where no provision or consent lets this viewer see the entry at all.
    /// </summary>
    [WolverinePost("/api/families/{familyId}/contributions/{contributionId}/confirmations", OperationId = "confirmPsychiatricEntry")]
    [Tags("Consent")]
    public static async Task<Written<ConfirmedEntryResponse>> Post(Guid familyId, Guid contributionId, ConfirmPsychiatricEntry command, FamilyWrites writes,
        IDocumentStore store, CancellationToken ct) =>
        new(await PostAnswer(familyId, contributionId, command, writes, store, ct));

    private static async Task<IResult> PostAnswer(Guid familyId, Guid contributionId, ConfirmPsychiatricEntry command, FamilyWrites writes,
        IDocumentStore store, CancellationToken ct)
    {
        await using var query = store.QuerySession(writes.Caller.Organisation);
        var picture = await query.LoadAsync<FamilyPicture>(familyId, ct);
        var metadata = picture?.Assessments.SelectMany(a => a.Contributions).FirstOrDefault(c => c.ContributionId == contributionId);
        var content = metadata is null ? null : await query.LoadAsync<ContributionContent>(contributionId, ct);
        var entry = metadata is null || content is null ? null : ContributionView.Of(metadata, content);
        return await writes.AppendAsync(familyId, family => Decide(family, contributionId, entry, command, writes.Caller, writes.Now));
    }

    public static Decision Decide(Family family, Guid contributionId, ContributionView? entry, ConfirmPsychiatricEntry command,
        Professional caller, DateTimeOffset now)
    {
        if (family.FindContribution(contributionId) is not var (assessment, contribution) || entry is null)
        {
            return Refusals.NotFound("contribution");
        }
        if (Refusals.CaseworkerOnly(caller, "confirms a psychiatric entry") is { } forbidden)
        {
            return forbidden;
        }
        if (caller.Agency == Agency.ChildPsychiatry)
        {
            // ATL 26 § 2: the gate is for those outside child psychiatry, which reads psychiatric entries as it finds them.
            return Decision.Refuse(Problems.Forbidden("Child psychiatry needs no confirmation: psychiatric entries are shown to it as they are."));
        }
        // The gate as it would stand once this viewer has confirmed: is the entry theirs to see at all (C2-C5)? Asked first,
        // so that a contribution the viewer may not see answers alike whatever its category.
        var disclosure = Sharing.Decide(caller,
            new Datum.Contribution(contribution.Agency, entry.ChildIds, contribution.Category, contribution.LegalBasis, [caller.Id]),
            family.ConsentsInForce(now));
        if (disclosure is not Disclosure.Shown { Basis: var basis })
        {
            return disclosure is Disclosure.OwnRecord
                ? Decision.Refuse(Problems.Conflict("confirmation-not-needed", "Your agency's own entries need no confirmation."))
                : Decision.Refuse(Problems.Forbidden(
                    "No consent in force or legal provision lets your agency see this entry; confirming cannot change that."));
        }
        if (contribution.Category != ContributionCategory.PsychiatricEntry)
        {
            return Decision.Refuse(Problems.Conflict("confirmation-not-needed", "Only psychiatric entries sit behind a confirmation."));
        }
        var confirmed = new PsychiatricEntryConfirmed(contributionId, assessment.Id, command.Purpose!, command.Justification!, basis,
            caller.AsActor(), now);
        var data = $"contribution:{contributionId}";
        List<AccessLogEntry> log =
        [
            AccessLogEntry.Use(caller, family.Id, data, command.Purpose!),
            AccessLogEntry.Disclosed(caller, family.Id, data, contribution.Agency, basis, command.Purpose!, command.Justification, entry.ChildIds),
        ];
        return new Decision.Accepted([confirmed], version => new ConfirmedEntryResponse(version, entry, basis), StatusCodes.Status200OK)
        {
            AccessLog = log,
        };
    }
}

public sealed class ConfirmPsychiatricEntryValidator : AbstractValidator<ConfirmPsychiatricEntry>
{
    public ConfirmPsychiatricEntryValidator()
    {
        RuleFor(x => x.Purpose).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(x => x.Justification).NotEmpty().PlainText(Rules.ShortTextMax);
    }
}
