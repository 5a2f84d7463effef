using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Coordination.SchoolSender;

/// <summary>
/// Sends school student-welfare messages to Coordination as the contract requires: the exact body bytes signed with
/// HMAC-SHA256 under the sender's shared secret (<c>X-Sender</c>, <c>X-Signature: sha256=&lt;hex&gt;</c>). Vendors may copy
/// it; the service's tests send every message through it.
/// </summary>
public sealed class SchoolWelfareSender(HttpClient http, string senderId, byte[] secret)
{
    public const string MessagesPath = "/api/integrations/school-welfare/messages";

    public SchoolWelfareSender(HttpClient http, string senderId, string secret) : this(http, senderId, Encoding.UTF8.GetBytes(secret))
    {
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="data"/> under <paramref name="secret"/>.</summary>
    public static string Sign(byte[] secret, byte[] data) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, data));

    /// <summary>Posts the body exactly as given (sign the bytes you send: re-serialising would change them).</summary>
    public Task<HttpResponseMessage> SendAsync(byte[] body, CancellationToken ct = default) =>
        SendAsync(body, Sign(secret, body), "application/json", ct);

    /// <summary>Posts a body with the signature and content type given: for tests of what the service refuses.</summary>
    public async Task<HttpResponseMessage> SendAsync(byte[] body, string? signature, string contentType, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesPath);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Sender", senderId);
        if (signature is not null)
        {
            request.Headers.Add("X-Signature", signature);
        }
        return await http.SendAsync(request, ct);
    }

    /// <summary>Reads a message's status, signing "GET\n&lt;path&gt;\n&lt;unix seconds&gt;" (valid for five minutes either side).</summary>
    public async Task<HttpResponseMessage> GetStatusAsync(string messageId, DateTimeOffset now, CancellationToken ct = default)
    {
        var path = $"{MessagesPath}/{messageId}"; // message ids are URL-safe by the contract: letters, digits and . _ : -
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Sender", senderId);
        request.Headers.Add("X-Timestamp", timestamp);
        request.Headers.Add("X-Signature", Sign(secret, Encoding.UTF8.GetBytes($"GET\n{path}\n{timestamp}")));
        return await http.SendAsync(request, ct);
    }
}
