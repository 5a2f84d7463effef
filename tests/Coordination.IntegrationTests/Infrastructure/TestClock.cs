using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.IntegrationTests.Infrastructure;

/// <summary>A clock the test moves: real time plus an offset, so days can pass without waiting for them.</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;

    public void Advance(TimeSpan by) => _offset += by;

    /// <summary>From now on the clock reads <paramref name="moment"/> and runs on from there (the past included: facts recorded then).</summary>
    public void SetTo(DateTimeOffset moment) => _offset = moment - DateTimeOffset.UtcNow;

    /// <summary>Back to real time; the fixture is shared by a class's tests.</summary>
    public void Reset() => _offset = TimeSpan.Zero;
}

/// <summary>The service with a clock the test controls.</summary>
public sealed class ClockedHost : CoordinationHost
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureMore(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
}
