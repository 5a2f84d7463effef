using System.Net;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Families;

public sealed class WhatNeverReachesTheLogs(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    [Fact]
    public async Task identity_codes_and_names_from_requests_never_appear_in_any_log_line()
    {
        var client = host.ClientFor(Caller.SocialWorker());
        var familyId = await client.RegisterFamily(children: 2);
        await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        await client.PostJson("/api/families/search", new { personId = "010594Y9021" });
        // Bad inputs too, which are the ones frameworks like to echo.
        await client.PostJson("/api/families", """{"children":[{"personId":"010516B902X","name":"Salainen Nimi"}]}""");
        await client.PostJson("/api/families", """{"children":[{"personId":"010516B902W","name":"Salainen Nimi", "oops": 1}]}""");
        await client.PostJson("/api/families", """{"children":[{"personId":"010516B902W","name":"Salainen Nimi" """);
        await client.PostJson("/api/families/search", new { personId = "010594Y9022" });

        Assert.NotEmpty(host.Logs.Lines);
        foreach (var secret in new[] { "010516B902W", "020516C902J", "010594Y9021", "010594Y9022", "010516B902X", "Salainen", "Aino", "Maria" })
        {
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
