using System.Net;
using System.Net.Http;
using Coordination.IntegrationTests.Infrastructure;

namespace Coordination.IntegrationTests.Reports;

/// <summary>The processing-times report answers JSON or CSV by the caller's Accept header, whatever its form, and never 5xx.</summary>
public sealed class ReportNegotiation(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private const string Url = "/api/reports/processing-times?from=2026-04-01&to=2026-09-30&knownAt=2026-10-17T09:00:00%2B03:00";

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/json", "application/json")]
    [InlineData("text/csv", "text/csv")]
    [InlineData("text/csv, application/json;q=0.9", "text/csv")]
    [InlineData("application/json, text/csv", "application/json")]
    [InlineData("text/csv;q=0.5, application/json", "application/json")]
    [InlineData("text/csv;q=0", "application/json")]
    [InlineData("text/csv;q=0, application/json;q=0", "application/json")]
    [InlineData("not a media type", "application/json")]
    public async Task each_accept_header_gets_json_or_csv(string? accept, string expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = await host.ClientFor(Caller.Auditor()).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        if (expected == "text/csv")
        {
            // A county with nothing recorded in the period: one header line, one row of zeros.
            Assert.Equal(
                "organisation,from,to,knownAt,pending,decidedInTime,decidedLate,undecidedPastDeadline,completed,completedInTime,completedLate,openPastDeadline\r\n"
                + $"\"{Orgs.Pirkanmaa}\",2026-04-01,2026-09-30,2026-10-17T06:00:00.000000Z,0,0,0,0,0,0,0,0\r\n", body);
        }
        else
        {
            Assert.StartsWith("{\"organisation\":", body, StringComparison.Ordinal);
        }
    }
}
