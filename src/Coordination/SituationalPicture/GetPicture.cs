using Coordination.Access;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.SituationalPicture;

public static class GetPictureEndpoint
{
    /// <summary>The family's situational picture as this caller may see it; every read is use-logged, every cross-agency view disclosure-logged.</summary>
    [WolverineGet("/api/families/{familyId}/picture", OperationId = "getPicture")]
    [Tags("Situational picture")]
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
        // One round trip: the picture and the family's contribution texts. Only the readable texts reach the view.
        var batch = session.CreateBatchQuery();
        var pictureLoad = batch.Load<FamilyPicture>(familyId);
        var contentsLoad = batch.Query<ContributionContent>().Where(c => c.FamilyId == familyId).ToList();
        await batch.Execute(ct);
        var picture = await pictureLoad;
        if (picture is null || !FamilyAccess.HasRelationship(caller, picture.Relationships))
        {
            return Problems.Result(Problems.NotFound());
        }

        var now = clock.GetUtcNow();
        var readable = PictureViews.Readable(caller, picture, now).ToHashSet();
        var contents = (await contentsLoad).Where(c => readable.Contains(c.Id)).ToDictionary(c => c.Id);
        var (view, disclosed) = PictureViews.For(caller, picture, now, contents);
        var entries = new List<AccessLogEntry> { AccessLogEntry.Use(caller, familyId, "situational-picture", purpose!) };
        entries.AddRange(disclosed.Select(d => AccessLogEntry.Disclosed(caller, familyId, $"contribution:{d.Contribution.ContributionId}",
            d.Contribution.Agency, d.SharedUnder, purpose!)));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }

        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(view);
    }
}
