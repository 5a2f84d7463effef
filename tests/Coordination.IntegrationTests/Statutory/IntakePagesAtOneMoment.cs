using System.Net;
using System.Text.Json.Nodes;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>The service with a clock that does not move: every fact is accepted at one moment, below a microsecond.</summary>
public sealed class StoppedClockHost : CoordinationHost
{
    /// <summary>A moment with a tenth of a microsecond, which PostgreSQL does not keep.</summary>
    public static readonly DateTimeOffset Moment = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private sealed class Stopped : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Moment;
    }

    protected override void ConfigureMore(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new Stopped()));
}

/// <summary>
/// The intake's list pages by (acceptance, id) in the index's order, compared in SQL: notifications accepted at the same
/// moment are each listed once, at every page size. (The list used to read a window from the cursor's moment and compare the
/// rest in memory: with more ties than the window, a page came back short and the list ended early.)
/// </summary>
public sealed class IntakePagesAtOneMoment(StoppedClockHost host) : IClassFixture<StoppedClockHost>
{
    [Fact(Timeout = 120000)]
    public async Task notifications_accepted_at_one_moment_are_each_listed_once_at_every_page_size()
    {
        var school = host.ClientFor(Caller.Kuraattori());
        var sent = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var receipt = await (await school.PostJson("/api/concerns", new
            {
                child = new { personId = TestPeople.Born(2016, 5, 1), name = "Aino" }, kind = "child-welfare-notification",
                receivedAt = "2026-11-30T09:00:00+02:00",
                source = new { agency = "school-welfare", organisation = "Hervannan koulu", reporterRole = "kuraattori", anonymous = false },
                description = "Repeated absences.", suspectedOffence = "none", policeReported = false,
            })).Ok(HttpStatusCode.Accepted);
            sent.Add(receipt["concernId"]!.GetValue<string>());
        }
        var intake = host.ClientFor(Caller.SocialWorker());
        for (var i = 0; i < 200 && (await ReadAll(intake, 200)).Count < sent.Count; i++)
        {
            await Task.Delay(50); // placing runs behind the receipt; no family holds these children
        }

        // Expected: the ids in the order of the uuid (all share one moment), compared as PostgreSQL compares uuids.
        var expected = sent.OrderBy(id => Guid.Parse(id).ToString("N"), StringComparer.Ordinal).ToList();
        foreach (var limit in new[] { 1, 2, 3, 200 })
        {
            var listed = await ReadAll(intake, limit);
            Assert.Equal(expected, listed);
        }
    }

    private static async Task<List<string>> ReadAll(HttpClient client, int limit)
    {
        var ids = new List<string>();
        var next = $"/api/intake?status=unmatched&limit={limit}";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 100, "the list does not end");
            var response = await client.GetAsync(next);
            ids.AddRange((await response.Ok()).AsArray().Select(n => n!["concernId"]!.GetValue<string>()));
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Single().Split(';')[0].Trim('<', '>', ' ')
                : null;
        }
        return ids;
    }
}
