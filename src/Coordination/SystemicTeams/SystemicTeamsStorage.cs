using JasperFx.Events.Projections;
using Marten;

namespace Coordination.SystemicTeams;

public static class SystemicTeamsStorage
{
    public static void ConfigureSystemicTeams(this StoreOptions opts)
    {
        opts.Projections.Snapshot<Team>(SnapshotLifecycle.Inline);
        opts.Projections.Add<TeamCaseProjection>(ProjectionLifecycle.Inline);
        opts.Projections.Add<SystemicRecordProjection>(ProjectionLifecycle.Inline);
        // The caseload of a team and the children a worker holds are read by these two.
        opts.Schema.For<TeamCase>().Index(c => c.TeamId).Index(c => c.ResponsibleSocialWorkerId);
        foreach (var type in typeof(ITeamEvent).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITeamEvent).IsAssignableFrom(t)))
        {
            opts.Events.AddEventType(type);
        }
    }
}
