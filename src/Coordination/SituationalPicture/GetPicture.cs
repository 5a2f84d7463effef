using Coordination.Access;
using Coordination.Hosting;
using Coordination.Identity;
using Marten;
using Wolverine.Http;

namespace Coordination.SituationalPicture;

public static class GetPictureEndpoint
{
    [WolverineGet("/api/families/{familyId}/picture", OperationId = "getPicture")]
    [Tags("Situational picture")]
    public static async Task<IResult> Get(Guid familyId, IDocumentStore store, HttpContext context, TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        await using var session = store.QuerySession(caller.Organisation);
        var picture = await session.LoadAsync<FamilyPicture>(familyId, ct);
        if (picture is null || !FamilyAccess.HasRelationship(caller, picture.Relationships))
        {
            return Problems.Result(Problems.NotFound());
        }
        context.Response.Headers.ETag = $"\"{picture.Version}\"";
        return Results.Ok(PictureViews.For(caller, picture, clock.GetUtcNow()));
    }
}
