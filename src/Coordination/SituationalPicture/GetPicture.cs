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
    [WriteHeaders(etag: true)]
    [UseLogged("client-work (audit for an auditor)")]
    [Tags("Situational picture")]
    public static async Task<Answer<PictureView>> Get(Guid familyId, string? asOf, string? knownAt, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct) =>
        new(await GetAnswer(familyId, asOf, knownAt, store, log, context, clock, ct));

    private static async Task<IResult> GetAnswer(Guid familyId, string? asOf, string? knownAt, IDocumentStore store, AccessLog log,
        HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        var (purpose, invalid) = AccessPurpose.Read(context, caller.Agency == Agency.Audit ? AccessPurpose.Audit : AccessPurpose.Default);
        if (invalid is not null)
        {
            return Problems.Result(invalid);
        }
        await using var session = store.QuerySession(caller.Organisation);
        if (asOf is not null || knownAt is not null)
        {
            return await ReplayAsync(familyId, asOf, knownAt, store, session, log, context, caller, purpose!, clock, ct);
        }
        // One round trip: the picture and the family's contribution texts. Only the readable texts reach the view.
        var batch = session.CreateBatchQuery();
        var pictureLoad = batch.Load<FamilyPicture>(familyId);
        var contentsLoad = batch.Query<ContributionContent>().Where(c => c.FamilyId == familyId).ToList();
        var systemicLoad = batch.Load<SystemicTeams.SystemicRecord>(familyId);
        await batch.Execute(ct);
        var picture = await pictureLoad;
        if (picture is null || !await FamilyAccess.HasRelationshipAsync(session, caller, picture.Relationships, ct))
        {
            return Problems.Result(Problems.NotFound());
        }

        var now = clock.GetUtcNow();
        var readable = PictureViews.Readable(caller, picture, now).ToHashSet();
        var contents = (await contentsLoad).Where(c => readable.Contains(c.Id)).ToDictionary(c => c.Id);
        var viewed = PictureViews.For(caller, picture, now, contents, await systemicLoad);
        var entries = new List<AccessLogEntry> { AccessLogEntry.Use(caller, familyId, "situational-picture", purpose!) };
        entries.AddRange(viewed.Disclosures(caller, familyId, purpose!));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }

        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(viewed.View);
    }

    /// <summary>
    /// The picture as the facts stood at <c>asOf</c>, counting only what had been recorded by <c>knownAt</c>; deadlines in
    /// the states they held at that moment. Auditors and the family's responsible social worker only.
    /// </summary>
    private static async Task<IResult> ReplayAsync(Guid familyId, string? asOfText, string? knownAtText, IDocumentStore store, IQuerySession session,
        AccessLog log, HttpContext context, Professional caller, string purpose, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var asOf = QueryValues.Moment(asOfText, "asOf", errors);
        var knownAt = QueryValues.Moment(knownAtText, "knownAt", errors);
        if (errors.Count > 0)
        {
            return Problems.Result(Problems.Invalid(errors));
        }
        var refused = await FamilyAudit.RefusedAsync(session, caller, familyId, ct);
        if (refused is not null)
        {
            // A professional who may see today's picture but not replay it is told so; anyone else learns nothing.
            var picture = await session.LoadAsync<FamilyPicture>(familyId, ct);
            return picture is not null && await FamilyAccess.HasRelationshipAsync(session, caller, picture.Relationships, ct)
                ? Problems.Result(Problems.Forbidden("Only auditors and the family's responsible social worker replay its picture."))
                : refused;
        }

        // From the nearest usable snapshot, reading only the facts that may count (SnapshotReplay); the same three folds.
        var (replayed, asRecorded, systemic) = await SnapshotReplay.ReplayAsync(store, session, familyId, asOf, knownAt, ct);
        if (replayed is null)
        {
            return Problems.Result(Problems.Create(StatusCodes.Status404NotFound, "not-yet-registered", "Not registered then",
                "The family had not been registered by that moment."));
        }
        var moment = new[] { asOf, knownAt }.Where(m => m is not null).Min() ?? clock.GetUtcNow();
        // When each consent ceased, as recorded by knownAt: a withdrawal that happened after asOf still ends what it carries.
        var ceasing = (asRecorded?.Consents ?? []).ToDictionary(c => c.ConsentId, c => c.Until());
        var readable = PictureViews.Readable(caller, replayed, moment, ceasing).ToHashSet();
        var contents = readable.Count == 0
            ? new Dictionary<Guid, ContributionContent>()
            : (await session.LoadManyAsync<ContributionContent>(ct, readable)).ToDictionary(c => c.Id);
        var viewed = PictureViews.For(caller, replayed, moment, contents, systemic, ceasing);
        var entries = new List<AccessLogEntry> { AccessLogEntry.Use(caller, familyId, "situational-picture-replay", purpose) };
        entries.AddRange(viewed.Disclosures(caller, familyId, purpose));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(viewed.View);
    }
}
