using System.Net.Http;
using System.Text.Json.Nodes;
using Coordination.Access;
using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.Families;
using Coordination.Identity;
using Coordination.IntegrationTests.Infrastructure;
using Marten;

namespace Coordination.IntegrationTests.Statutory;

/// <summary>
/// The deadline list read from its index (<see cref="DeadlineEntry"/>) answers exactly what the families' write models
/// hold: for an admin (the whole organisation) and a caseworker (related families), every state, mine, and every page size.
/// The expected lists are computed here from the write models, filtered and ordered in C#.
/// </summary>
public sealed class DeadlineListsAtScale(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Ago(int days) => DateTimeOffset.UtcNow.AddDays(-days).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    [Fact(Timeout = 240000)]
    public async Task every_state_and_page_size_lists_what_the_write_models_hold_in_due_date_order()
    {
        var mine = Caller.SocialWorker();
        var other = Caller.SocialWorker();
        var families = new List<Guid>();
        foreach (var (who, received, step) in new[]
                 {
                     (mine, 0, 0), (mine, 0, 1), (mine, 0, 2), (mine, 20, 0), (mine, 20, 1), (mine, 20, 2), (mine, 3, 1),
                     (other, 0, 0), (other, 20, 2), (other, 5, 1),
                 })
        {
            var path = await (await new StatutoryPath(host, who).Registered(1)).WithConcern(receivedAt: Ago(received));
            if (step >= 1)
            {
                await path.UrgencyAssessed();
            }
            if (step >= 2)
            {
                await path.AssessmentStarted();
            }
            families.Add(path.FamilyId);
        }

        var admin = new Caller($"adm-{Guid.NewGuid():N}"[..12], "Alli Admin", Orgs.Pirkanmaa, "social-work", "admin");
        var today = FinnishCalendar.HelsinkiDate(DateTimeOffset.UtcNow);
        await using var session = host.Store.QuerySession(Orgs.Pirkanmaa);
        var models = (await session.Query<Family>().ToListAsync()).ToList();
        Assert.Superset(families.ToHashSet(), models.Select(f => f.Id).ToHashSet());

        foreach (var caller in new[] { admin, mine })
        {
            var client = host.ClientFor(caller);
            var professional = new Professional(caller.Id, caller.Name, caller.Org, Kebab.Parse<Agency>(caller.Agency),
                caller.Roles.Select(Kebab.Parse<Role>).ToHashSet());
            foreach (var state in new string?[] { null, "open", "due-soon", "overdue", "met", "met-late" })
            {
                foreach (var onlyMine in new[] { false, true })
                {
                    var expected = models
                        .Where(f => caller == admin || FamilyAccess.HasRelationship(professional, f.Relationships, null))
                        .SelectMany(f => f.Deadlines.Values.Select(d => (Family: f.Id, Deadline: d)))
                        .Where(x => state is null || Kebab.Name(DeadlineRules.StateOn(x.Deadline, today)) == state
                                    || (state == "open" && DeadlineRules.StateOn(x.Deadline, today) == DeadlineState.DueSoon)) // open includes due soon
                        .Where(x => !onlyMine || x.Deadline.ResponsibleId == caller.Id)
                        .OrderBy(x => x.Deadline.DueDate).ThenBy(x => x.Family.ToString("N"), StringComparer.Ordinal).ThenBy(x => x.Deadline.Key, StringComparer.Ordinal)
                        .Select(x => $"{x.Family}/{x.Deadline.Key}/{x.Deadline.DueDate:yyyy-MM-dd}/{x.Deadline.ResponsibleId}")
                        .ToList();
                    foreach (var limit in new[] { 1, 3, 200 })
                    {
                        var query = string.Join("&", new[] { state is null ? null : $"state={state}", onlyMine ? "mine=true" : null, $"limit={limit}" }
                            .OfType<string>());
                        var listed = await ReadAllAsync(client, $"/api/deadlines?{query}", limit);
                        Assert.True(expected.SequenceEqual(listed.Select(d =>
                            {
                                var key = DeadlineRules.Key(Kebab.Parse<DeadlineKind>(d["kind"]!.GetValue<string>()), Guid.Parse(d["subjectId"]!.GetValue<string>()));
                                return $"{Guid.Parse(d["familyId"]!.GetValue<string>())}/{key}/{d["dueDate"]!.GetValue<string>()}/{d["responsibleId"]?.GetValue<string>()}";
                            })),
                            $"{caller.Roles[0]} {query}: expected\n{string.Join("\n", expected)}\nlisted\n{string.Join("\n", listed.Select(l => l.ToJsonString()))}");
                    }
                    if (state is "overdue" or "met-late" or "met" or "open" && !onlyMine)
                    {
                        Assert.NotEmpty(expected);
                    }
                }
            }
        }
    }

    private static async Task<List<JsonNode>> ReadAllAsync(HttpClient client, string url, int limit)
    {
        var items = new List<JsonNode>();
        for (var (next, pages) = ((string?)url, 0); next is not null; pages++)
        {
            Assert.True(pages < 100, "the list does not end");
            var response = await client.GetAsync(next);
            var page = (await response.Ok()).AsArray().Select(n => n!).ToList();
            Assert.True(page.Count <= limit);
            items.AddRange(page);
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
            Assert.True(next is null || page.Count == limit, "only a full page links the next");
        }
        return items;
    }
}
