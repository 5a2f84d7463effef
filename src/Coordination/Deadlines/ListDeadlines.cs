using Coordination.Access;
using Coordination.Audit;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.SituationalPicture;
using Marten;
using Wolverine.Http;

namespace Coordination.Deadlines;

public sealed record DeadlineListItem(Guid FamilyId, string Kind, DateOnly DueDate, DeadlineState State, string? ResponsibleId,
    Guid SubjectId, DateOnly? MetOn);

public static class ListDeadlinesEndpoint
{
    /// <summary>
    /// The caller's organisation's statutory deadlines. Social work (the intake and the assessing workers) sees every
    /// family's; the other agencies see those of families they have a relationship with. <c>state=open</c> lists every
    /// deadline not met and not passed (due soon included); <c>days</c> says what "due soon" means (default 7).
    /// </summary>
    [WolverineGet("/api/deadlines", OperationId = "listDeadlines")]
    [Tags("Deadlines")]
    public static async Task<IResult> Get(string? state, int? days, IDocumentStore store, AccessLog log, HttpContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Professional.FromClaims(context.User)!;
        if (!caller.IsCaseworkingProfessional)
        {
            return Problems.Result(Problems.Forbidden("Deadlines are for case-working professionals."));
        }
        DeadlineState? wanted = null;
        if (state is not null)
        {
            if (!Kebab.TryParse<DeadlineState>(state, out var parsed))
            {
                return Problems.Result(Problems.Invalid("state", "Use open, due-soon, overdue or met."));
            }
            wanted = parsed;
        }
        var dueSoonDays = days ?? 7;
        if (dueSoonDays is < 0 or > 366)
        {
            return Problems.Result(Problems.Invalid("days", "days is between 0 and 366."));
        }

        await using var session = store.QuerySession(caller.Organisation);
        var families = await session.Query<FamilyDeadlines>().ToListAsync(ct);
        if (caller.Agency != Agency.SocialWork)
        {
            var pictures = await session.LoadManyAsync<FamilyPicture>(ct, families.Select(f => f.Id).ToArray());
            // Each team read once, not once per family: membership is the team's.
            var teamIds = pictures.Select(p => p.Relationships.TeamId).OfType<Guid>().Distinct().ToArray();
            var members = teamIds.Length == 0
                ? []
                : (await session.LoadManyAsync<SystemicTeams.Team>(ct, teamIds)).ToDictionary(t => t.Id, t => t.CurrentMemberIds());
            var visible = pictures
                .Where(p => FamilyAccess.HasRelationship(caller, p.Relationships,
                    p.Relationships.TeamId is { } team ? members.GetValueOrDefault(team) : null))
                .Select(p => p.Id).ToHashSet();
            families = families.Where(f => visible.Contains(f.Id)).ToList();
        }

        var today = PictureViews.Today(clock);
        var items = families
            .SelectMany(f => f.Deadlines.Select(d => new DeadlineListItem(f.Id, Kebab.Name(d.Kind), d.DueDate,
                DeadlineRules.StateOn(d, today, dueSoonDays), d.ResponsibleId, d.SubjectId, d.MetOn)))
            .Where(i => wanted is null || i.State == wanted || (wanted == DeadlineState.Open && i.State == DeadlineState.DueSoon))
            .OrderBy(i => i.DueDate).ThenBy(i => i.FamilyId)
            .ToList();
        var purpose = AccessPurpose.Read(context).Purpose ?? AccessPurpose.Default;
        if (await log.TryRecordAsync(caller.Organisation, [AccessLogEntry.Use(caller, null, "deadline-list", purpose)], ct) is { } failed)
        {
            return failed;
        }
        return Results.Ok(items);
    }
}
