using Marten;

namespace Coordination.Families;

public static class FamiliesStorage
{
    public static void ConfigureFamilies(this StoreOptions opts)
    {
        opts.Projections.Snapshot<Family>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        // The lists find the families a professional relates to by their relationships alone (Access/FamilyReach).
        Access.FamilyReachProjection.Configure(opts);
        opts.ConfigureFamilyMembers();
        // Every fact of a family stream, registered up front so a stream written by an older or newer process still loads.
        foreach (var type in typeof(IFamilyEvent).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFamilyEvent).IsAssignableFrom(t)))
        {
            opts.Events.AddEventType(type);
        }
    }
}
