using System.Diagnostics;
using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>The service with a pool of three connections, which a wait of two seconds may not exceed.</summary>
public sealed class SmallPoolHost : CoordinationHost
{
    public const int PoolSize = 3;

    protected override void ConfigureMore(IWebHostBuilder builder) =>
        builder.UseSetting("ConnectionStrings:Coordination", PostgresServer.ConnectionString.Result + $";Maximum Pool Size={PoolSize};Timeout=2");
}

public sealed class AnExhaustedPool(SmallPoolHost host) : IClassFixture<SmallPoolHost>
{
    [Fact(Timeout = 120000)]
    public async Task Requests_fail_fast_with_503_while_every_connection_is_taken_and_work_again_after()
    {
        var worker = host.ClientFor(Caller.SocialWorker());
        var familyId = await worker.RegisterFamily();
        var before = await host.EventCount(Orgs.Pirkanmaa);

        // Something holds every connection of the service's pool (a stuck batch, a slow report).
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < SmallPoolHost.PoolSize; i++)
        {
            var connection = (NpgsqlConnection)host.Store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            held.Add(connection);
        }
        try
        {
            var watch = Stopwatch.StartNew();
            var read = await worker.GetAsync($"/api/families/{familyId}/picture");
            var write = await worker.PostJson($"/api/families/{familyId}/children", new { name = "Vauva", birthDate = "2025-01-01" });
            watch.Stop();

            Assert.NotNull((await read.Problem(HttpStatusCode.ServiceUnavailable))["detail"]);
            await write.Problem(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(write.Headers.RetryAfter);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(12), $"two requests took {watch.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.Equal(before, await host.EventCount(Orgs.Pirkanmaa));
        await (await worker.GetAsync($"/api/families/{familyId}/picture")).Ok();
        await (await worker.PostJson($"/api/families/{familyId}/children", new { name = "Vauva", birthDate = "2025-01-01" })).Ok(HttpStatusCode.Created);
        SuiteFigures.FaultSurvived("every pooled connection taken");
    }
}
