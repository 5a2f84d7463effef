using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coordination.IntegrationTests.Infrastructure;

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, string json,
        Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body,
        Action<HttpRequestMessage>? configure = null) => client.PostJson(url, JsonSerializer.Serialize(body, Web), configure);

    public static async Task<JsonNode> Json(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    /// <summary>Asserts the status and that the body is an RFC 9457 problem with type, title and status; returns it.</summary>
    public static async Task<JsonNode> Problem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.False(string.IsNullOrEmpty(problem["type"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }

    public static async Task<JsonNode> Ok(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// What every answer to hostile input must be: no 5xx, every refusal a problem body, no stack trace or exception
    /// name in the body.
    /// </summary>
    public static bool IsSafeAnswer(this HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        return status < 500
               && (status < 400 || response.Content.Headers.ContentType?.MediaType == "application/problem+json")
               && !body.Contains("   at ", StringComparison.Ordinal) && !body.Contains("Exception", StringComparison.Ordinal);
    }

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
