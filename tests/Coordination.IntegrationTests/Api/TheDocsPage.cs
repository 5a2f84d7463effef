using Coordination.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace Coordination.IntegrationTests.Api;

/// <summary>The service listening on a real loopback port, for a browser.</summary>
public sealed class ListeningHost : CoordinationHost
{
    public ListeningHost() => UseKestrel(0);

    protected override void Start() => StartServer();
}

/// <summary>
/// Issue 17: /docs in headless Chromium (Debian's <c>chromium</c>; <c>.ci/run</c> installs it when absent): the operations
/// render, Authorize takes a dev token, and one "Try it out" answers 200 in the page. Without a Chromium here the test says
/// so and is skipped.
/// </summary>
public sealed class TheDocsPage(ListeningHost host) : IClassFixture<ListeningHost>
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

    private static string? Chromium() =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : Candidates.FirstOrDefault(File.Exists);

    [Fact(Timeout = 120000)]
    public async Task the_docs_page_renders_the_operations_takes_a_token_and_tries_one_out()
    {
        var chromium = Chromium();
        Assert.SkipWhen(chromium is null, "No Chromium here (looked for CHROMIUM_PATH, " + string.Join(", ", Candidates)
                                          + "): install Debian's chromium to run this test; .ci/run does.");
        var address = host.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var token = host.TokenFor(Caller.SocialWorker());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{address}/docs/index.html");

        // The operations render, in their tags.
        await page.Locator(".opblock").First.WaitForAsync(new() { Timeout = 30000 });
        Assert.True(await page.Locator(".opblock").CountAsync() > 40);
        Assert.True(await page.Locator(".opblock-tag", new() { HasText = "Families" }).CountAsync() > 0);

        // Authorize takes the token.
        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input[type=text], .modal-ux input[type=password]").First.FillAsync(token);
        await page.Locator(".modal-ux button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux button.btn-done, .modal-ux .close-modal").First.ClickAsync();

        // Try it out: the teams the caller may see, answered 200 in the page.
        var operation = page.Locator("#operations-Systemic_teams-listMyTeams");
        await operation.Locator(".opblock-summary").ClickAsync();
        await operation.Locator("button.try-out__btn").ClickAsync();
        await operation.Locator("button.execute").ClickAsync();
        var status = operation.Locator(".live-responses-table tr.response .response-col_status").First;
        await status.WaitForAsync(new() { Timeout = 30000 });
        Assert.Equal("200", (await status.InnerTextAsync()).Trim());
    }
}
