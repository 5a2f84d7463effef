using Marten;

namespace Coordination.Families;

public static class FamiliesStorage
{
    public static void ConfigureFamilies(this StoreOptions opts)
    {
        opts.Projections.Snapshot<Family>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        opts.Events.AddEventType<FamilyRegistered>();
        opts.Events.AddEventType<ChildAddedToFamily>();
    }
}
