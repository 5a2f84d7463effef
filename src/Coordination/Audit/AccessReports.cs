using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Families;
using Coordination.Validation;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.Audit;

public sealed record RequestAccessReport(string? PersonId);

/// <summary>Who used or received the person's data, when and why, across every family of the organisation that holds them.</summary>
public sealed record AccessReport(int FamilyCount, DateTimeOffset PreparedAt, IReadOnlyList<AccessLogRow> Entries);

public static class AccessReportsEndpoint
{
    /// <summary>ATL 11 §: a client's right to know who used or received their data and why. Answered by auditors.</summary>
    [WolverinePost("/api/audit/access-reports", OperationId = "requestAccessReport")]
    [Tags("Audit")]
    public static async Task<IResult> Post(RequestAccessReport request, IDocumentStore store, AccessLog log, HttpContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!AccessLogQueries.IsAuditor(caller))
        {
            return Problems.Result(Problems.Forbidden("Access reports are prepared by auditors."));
        }
        var (purpose, invalid) = AccessPurpose.Read(context, AccessPurpose.AccessReport);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var familyIds = (await session.FamiliesHoldingAsync(request.PersonId!, ct)).ToArray();
        // The person's own rows only (the gate, docs/sharing.md §4): a use of the whole family, or a datum about them; never
        // what concerned a sibling alone.
        var members = familyIds.Length == 0
            ? []
            : (await session.LoadManyAsync<SituationalPicture.FamilyPicture>(ct, familyIds))
                .SelectMany(p => p.Children.Concat(p.Guardians)).Where(m => m.PersonId == request.PersonId).Select(m => m.Id).ToArray();
        var entries = familyIds.Length == 0
            ? []
            : await AccessLogQueries.ReadAsync(store, caller.Organisation,
                new AccessLogFilter(familyIds, null, null, null, null, int.MaxValue, AboutMembers: members), ct);

        var logged = familyIds.Length == 0
            ? [AccessLogEntry.Use(caller, null, "access-report", purpose!)]
            : familyIds.Select(id => AccessLogEntry.Use(caller, id, "access-report", purpose!)).ToList();
        if (await log.TryRecordAsync(caller.Organisation, logged, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(new AccessReport(familyIds.Length, clock.GetUtcNow(), entries));
    }
}

public sealed class RequestAccessReportValidator : AbstractValidator<RequestAccessReport>
{
    public RequestAccessReportValidator() => RuleFor(x => x.PersonId).NotEmpty().PersonalIdentityCode();
}
