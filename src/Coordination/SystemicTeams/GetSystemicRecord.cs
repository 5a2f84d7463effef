using Coordination.Access;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record HypothesesResponse(Guid FamilyId, long Version, IReadOnlyList<HypothesisView> Hypotheses);

public sealed record DiscussionsResponse(Guid FamilyId, long Version,
    [property: OneOfItems(typeof(DiscussionView), typeof(WithheldDiscussion))] IReadOnlyList<object> Discussions);

/// <summary>The team's systemic record of one family, cut for the caller by docs/sharing.md 2b.</summary>
public static class GetSystemicRecordEndpoint
{
    /// <summary>Every hypothesis of the family with all its versions, as this caller may see them; use- and disclosure-logged.</summary>
    [WolverineGet("/api/families/{familyId}/hypotheses", OperationId = "getHypotheses")]
    [WriteHeaders(etag: true)]
    [UseLogged]
    [Tags("Systemic teams")]
    public static async Task<Answer<HypothesesResponse>> Hypotheses(Guid familyId, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct) =>
        new(await ReadAsync(familyId, "hypotheses", store, log, context, clock, (cut, record, children) =>
        {
            var view = SystemicViews.For(cut, record, children);
            return version => new HypothesesResponse(familyId, version, view.Hypotheses);
        }, ct));

    /// <summary>The team's discussions of the family, newest first: participants always, reflections as the caller may see them.</summary>
    [WolverineGet("/api/families/{familyId}/systemic-discussions", OperationId = "getSystemicDiscussions")]
    [WriteHeaders(etag: true)]
    [UseLogged]
    [Tags("Systemic teams")]
    public static async Task<Answer<DiscussionsResponse>> Discussions(Guid familyId, IDocumentStore store, AccessLog log, HttpContext context, TimeProvider clock,
        CancellationToken ct) =>
        new(await ReadAsync(familyId, "systemic-discussions", store, log, context, clock, (cut, record, children) =>
        {
            var discussions = SystemicViews.Discussions(cut, record, children);
            return version => new DiscussionsResponse(familyId, version, discussions);
        }, ct));

    private static async Task<IResult> ReadAsync(Guid familyId, string data, IDocumentStore store, AccessLog log, HttpContext context,
        TimeProvider clock,
        Func<SharingCut, SystemicRecord?, IReadOnlyCollection<Guid>, Func<long, object>> view, CancellationToken ct)
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

        var cut = new SharingCut(caller, picture.SharingConsents(clock.GetUtcNow()));
        var body = view(cut, await recordLoad, picture.AllChildIds());
        var entries = new List<AccessLogEntry> { AccessLogEntry.Use(caller, familyId, data, purpose!) };
        entries.AddRange(cut.Disclosures(familyId, purpose!));
        if (await log.TryRecordAsync(caller.Organisation, entries, ct) is { } failed)
        {
            return failed;
        }
        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(body(picture.Version));
    }
}
