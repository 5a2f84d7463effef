namespace Coordination.Hosting;

public static class ProjectionPaging
{
    /// <summary>
    /// Events per page when a projection is rebuilt (it does not change inline writes). Marten's default of 500 held a
    /// rebuild near one page per daemon tick: 2,700 events/s for the pictures, 3,800 with 5,000 (docs/performance.md).
    /// </summary>
    public const int RebuildBatchSize = 5000;
}
