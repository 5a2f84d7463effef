using Coordination.Access;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.SituationalPicture;

public sealed record PictureView(
    Guid FamilyId,
    long Version,
    IReadOnlyList<PictureMember> Children,
    IReadOnlyList<PictureMember> Guardians,
    string? Municipality,
    IReadOnlyList<string> Languages,
    IReadOnlyList<Involvement> Professionals,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastRecordedAt);

public static class GetPictureEndpoint
{
    [WolverineGet("/api/families/{familyId}/picture", OperationId = "getPicture")]
    [Tags("Situational picture")]
    public static async Task<IResult> Get(Guid familyId, IDocumentStore store, HttpContext context, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        await using var session = store.QuerySession(caller.Organisation);
        var picture = await session.LoadAsync<FamilyPicture>(familyId, ct);
        if (picture is null || !FamilyAccess.HasRelationship(caller, picture.RelatedProfessionalIds))
        {
            return Problems.Result(Problems.NotFound());
        }
        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(View(picture));
    }

    public static PictureView View(FamilyPicture p) => new(p.Id, p.Version, p.Children, p.Guardians, p.Municipality,
        p.Languages, p.Professionals, p.RegisteredAt, p.LastRecordedAt);
}
