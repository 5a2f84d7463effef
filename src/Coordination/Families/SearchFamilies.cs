using Coordination.Hosting;
using Coordination.Audit;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.Families;

public sealed record SearchFamilies(string? PersonId);

public sealed record FamilyFound(Guid FamilyId);

/// <summary>
/// Search before create: which families of the caller's organisation hold this person. The code travels in the body,
/// never in the URL. It answers ids only; reading a family still needs a relationship with it.
/// </summary>
public static class SearchFamiliesEndpoint
{
    [WolverinePost("/api/families/search", OperationId = "searchFamilies")]
    [UseLogged]
    [Tags("Families")]
    public static async Task<Answer<List<FamilyFound>>> Post(SearchFamilies search, IDocumentStore store, FamilyWrites writes, AccessLog log,
        HttpContext context, CancellationToken ct) =>
        new(await PostAnswer(search, store, writes, log, context, ct));

    private static async Task<IResult> PostAnswer(SearchFamilies search, IDocumentStore store, FamilyWrites writes, AccessLog log,
        HttpContext context, CancellationToken ct)
    {
        var caller = writes.Caller;
        if (!caller.IsSocialWorker)
        {
            // Contract 1.1: search by identity code is social work's tool; a notifier uses the intake and learns nothing.
            return Hosting.Problems.Result(Hosting.Problems.Forbidden(
                "Searching by identity code is for social workers. To notify about a child, use POST /api/concerns."));
        }
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null)
        {
            return Hosting.Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var ids = await session.FamiliesHoldingAsync(search.PersonId!, ct);

        // The search is a use of client data (ATL 10 §): one entry per family it found, or one saying it found none.
        var entries = ids.Count == 0
            ? [AccessLogEntry.Use(caller, null, "search-by-identity-code", purpose!)]
            : ids.Select(id => AccessLogEntry.Use(caller, id, "search-by-identity-code", purpose!)).ToList();
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(ids.Order().Select(id => new FamilyFound(id)).ToList());
    }
}

public sealed class SearchFamiliesValidator : AbstractValidator<SearchFamilies>
{
    public SearchFamiliesValidator()
    {
        RuleFor(x => x.PersonId).NotEmpty().PersonalIdentityCode();
    }
}
