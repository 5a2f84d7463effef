using Coordination.Access;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record HypothesesResponse(Guid FamilyId, long Version, IReadOnlyList<HypothesisView> Hypotheses);

public static class GetHypothesesEndpoint
{
    /// <summary>Every hypothesis of the family with all its versions, as this caller may see them; use- and disclosure-logged.</summary>
    [WolverineGet("/api/families/{familyId}/hypotheses", OperationId = "getHypotheses")]
    [Tags("Systemic teams")]
    public static async Task<IResult> Get(Guid familyId, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var (purpose, invalid) = AccessPurpose.Read(context);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        var batch = session.CreateBatchQuery();
        var pictureLoad = batch.Load<FamilyPicture>(familyId);
        var recordLoad = batch.Load<SystemicRecord>(familyId);
        await batch.Execute(ct);
        var picture = await pictureLoad;
        if (picture is null || !await FamilyAccess.HasRelationshipAsync(session, caller, picture.Relationships, ct))
        {
            return Problems.Result(Problems.NotFound());
        }

        var consents = picture.Consents.Where(c => c.InForceOn(clock.GetUtcNow())).Select(c => c.AsConsentInForce()).ToList();
        var view = SystemicViews.For(caller, await recordLoad, consents);
        var entries = new List<AccessLogEntry> { AccessLogEntry.Use(caller, familyId, "hypotheses", purpose!) };
        entries.AddRange(view.Disclosed.Where(d => d.Data.StartsWith("hypothesis:", StringComparison.Ordinal))
            .Select(d => AccessLogEntry.Disclosed(caller, familyId, d.Data, d.Owner, d.Basis, purpose!)));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(new HypothesesResponse(familyId, picture.Version, view.Hypotheses));
    }
}
