using System.Net;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Runtime;

namespace Coordination.IntegrationTests.SchoolWelfare;

/// <summary>
/// The dead-lettered list among messages in every other status: processed ones, ones still waiting in the inbox (received,
/// not dead-lettered), another organisation's. It pages across the waiting messages in receipt order, one look-up of the
/// dead-letter table per page read.
/// </summary>
public sealed class DeadLettersAmongMany(ImpatientHost host) : IClassFixture<ImpatientHost>
{
    private const string Route = "/api/integrations/school-welfare/messages";

    [Fact(Timeout = 240000)]
    public async Task The_dead_lettered_list_pages_through_only_the_dead_letters_oldest_first_and_ends()
    {
        var school = await SchoolSystem.RegisterAsync(host);
        var socialWork = host.ClientFor(Caller.SocialWorker());
        var held = TestPupil.New();
        var (heldFamily, _) = await held.RegisterFamilyAsync(socialWork);
        var fine = TestPupil.New();
        await fine.RegisterFamilyAsync(socialWork);

        // Processed messages before, between and after the dead letters.
        var processed = new List<string>();
        async Task ProcessedAsync()
        {
            var id = SchoolMessagesFor.NewId();
            await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(fine.PersonId, id));
            Assert.Equal("processed", (await school.SettledAsync(id, until: "processed", seconds: 60))["status"]!.GetValue<string>());
            processed.Add(id);
        }

        await ProcessedAsync();
        var dead = new List<string>();
        await using (var hold = await RecordChecks.HoldStreamAsync(host.Schema, heldFamily))
        {
            for (var i = 0; i < 3; i++)
            {
                var id = SchoolMessagesFor.NewId();
                await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(held.PersonId, id));
                await school.SettledAsync(id, until: "dead-lettered", seconds: 60);
                dead.Add(id);
                await ProcessedAsync();
            }
        }

        // Messages waiting in the inbox (processing paused): received, after every dead letter, not dead-lettered.
        var runtime = host.Services.GetRequiredService<IWolverineRuntime>();
        var queue = (Wolverine.Transports.IListenerCircuit)runtime.Endpoints.GetOrBuildSendingAgent(new Uri("local://school-welfare"));
        await queue.PauseWithDrainAsync(TimeSpan.FromMinutes(10));
        var waiting = new List<string>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var id = SchoolMessagesFor.NewId();
                await school.AcceptedAsync(SchoolMessagesFor.AbsenceAlert(fine.PersonId, id));
                waiting.Add(id);
            }
            foreach (var id in waiting)
            {
                Assert.Equal("received", (await school.StatusAsync(id))["status"]!.GetValue<string>());
            }

            // Another organisation's dead letters are not ours: it has none, and ours are not its.
            var otherAdmin = host.ClientFor(SchoolSystem.Admin(Orgs.Uusimaa));
            Assert.Empty((await (await otherAdmin.GetAsync($"{Route}?status=dead-lettered")).Ok()).AsArray());

            var admin = host.ClientFor(SchoolSystem.Admin());
            foreach (var limit in new[] { 1, 2, 3, 50 })
            {
                var (listed, pages, links) = await ReadAllAsync(admin, $"{Route}?status=dead-lettered&limit={limit}");
                Assert.Equal(dead, listed.Select(m => m["messageId"]!.GetValue<string>()).ToList());
                Assert.All(listed, m =>
                {
                    Assert.Equal("dead-lettered", m["status"]!.GetValue<string>());
                    Assert.StartsWith("Processing failed after its retries", m["reason"]!.GetValue<string>(), StringComparison.Ordinal);
                    Assert.Null(m["familyId"]);
                });
                // A full page links the next; the page that holds the last dead letter does not.
                Assert.Equal((dead.Count + limit - 1) / limit, pages);
                Assert.Equal(pages - 1, links);
            }
        }
        finally
        {
            await queue.StartAsync();
        }
    }

    private static async Task<(List<System.Text.Json.Nodes.JsonNode> Items, int Pages, int Links)> ReadAllAsync(HttpClient client, string url)
    {
        var items = new List<System.Text.Json.Nodes.JsonNode>();
        var (pages, links) = (0, 0);
        for (string? next = url; next is not null; pages++)
        {
            var response = await client.GetAsync(next);
            items.AddRange((await response.Ok()).AsArray().Select(n => n!));
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            links += next is null ? 0 : 1;
            Assert.True(pages < 20, "the list does not end");
        }
        return (items, pages, links);
    }
}
