using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordination.Hosting;
using Coordination.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.IntegrationTests.Reliability;

/// <summary>
/// Bearer tokens built by hand, as an attacker would: expired, not yet valid, wrongly signed, <c>alg=none</c>, another
/// algorithm, another audience or issuer, claims changed after signing, claims missing, garbage. Each is 401 with a
/// problem body and <c>WWW-Authenticate: Bearer</c> on a read and on a write, nothing is written, and no token reaches
/// the logs. The same hand-built token, correctly made, is let in: the refusals are the token's fault, not the builder's.
/// </summary>
public sealed class HostileTokens(CoordinationHost host) : IClassFixture<CoordinationHost>
{
    private static string Segment(object part) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(part));

    private static string Sign(string unsigned, byte[] key, string alg = "HS256") => Base64UrlEncoder.Encode(alg switch
    {
        "HS512" => HMACSHA512.HashData(key, Encoding.ASCII.GetBytes(unsigned)),
        _ => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)),
    });

    private static Dictionary<string, object> Claims(Caller who, DateTimeOffset now) => new()
    {
        ["iss"] = "coordination", ["aud"] = "coordination-api", ["sub"] = who.Id, ["name"] = who.Name, ["org"] = who.Org,
        ["agency"] = who.Agency, ["role"] = who.Roles, ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
    };

    private string Token(Dictionary<string, object> claims, string alg = "HS256", byte[]? key = null)
    {
        var unsigned = $"{Segment(new { alg, typ = "JWT" })}.{Segment(claims)}";
        return alg == "none" ? unsigned + "." : $"{unsigned}.{Sign(unsigned, key ?? Key, alg)}";
    }

    private byte[] Key => host.Services.GetRequiredService<TokenSigning>().Key.Key;

    private static Dictionary<string, object> With(Dictionary<string, object> claims, string name, object? value)
    {
        var changed = new Dictionary<string, object>(claims);
        if (value is null)
        {
            changed.Remove(name);
        }
        else
        {
            changed[name] = value;
        }
        return changed;
    }

    [Fact(Timeout = 120000)]
    public async Task Every_forged_expired_or_malformed_token_is_401_on_reads_and_writes_and_nothing_is_written()
    {
        var worker = Caller.SocialWorker();
        var familyId = await host.ClientFor(worker).RegisterFamily();
        var now = DateTimeOffset.UtcNow;
        var good = Claims(worker, now);
        var signed = Token(good);
        var parts = signed.Split('.');
        var tampered = $"{parts[0]}.{Segment(With(good, "org", Orgs.Uusimaa))}.{parts[2]}";

        // The hand-built token, made right, is a professional's: the cases below differ from it in one thing each.
        using (var client = Client("Bearer", signed))
        {
            await (await client.GetAsync($"/api/families/{familyId}/picture")).Ok();
        }

        var cases = new (string What, string Scheme, string Token)[]
        {
            ("expired an hour ago", "Bearer", Token(With(With(good, "exp", now.AddHours(-1).ToUnixTimeSeconds()), "nbf", now.AddHours(-2).ToUnixTimeSeconds()))),
            ("expired 31 s ago, past the 30 s skew", "Bearer", Token(With(good, "exp", now.AddSeconds(-31).ToUnixTimeSeconds()))),
            ("not valid for another 10 minutes", "Bearer", Token(With(good, "nbf", now.AddMinutes(10).ToUnixTimeSeconds()))),
            ("no expiry", "Bearer", Token(With(good, "exp", null))),
            ("signed with another key", "Bearer", Token(good, key: RandomNumberGenerator.GetBytes(32))),
            ("alg=none, no signature", "Bearer", Token(good, "none")),
            ("alg=none with the right signature attached", "Bearer", $"{Segment(new { alg = "none", typ = "JWT" })}.{parts[1]}.{parts[2]}"),
            ("HS512 with the right key", "Bearer", Token(good, "HS512")),
            ("another audience", "Bearer", Token(With(good, "aud", "another-api"))),
            ("another issuer", "Bearer", Token(With(good, "iss", "someone-else"))),
            ("org changed after signing", "Bearer", tampered),
            ("no org", "Bearer", Token(With(good, "org", null))),
            ("no sub", "Bearer", Token(With(good, "sub", null))),
            ("an agency we do not know", "Bearer", Token(With(good, "agency", "police"))),
            ("a role we do not know", "Bearer", Token(With(good, "role", new[] { "superuser" }))),
            ("signature removed", "Bearer", $"{parts[0]}.{parts[1]}."),
            ("two segments", "Bearer", $"{parts[0]}.{parts[1]}"),
            ("garbage", "Bearer", "not-a-token"),
            ("empty", "Bearer", ""),
            ("the right token under Basic", "Basic", signed),
        };
        var before = await host.EventCount(worker.Org);
        var sent = 0;
        var correct = 0;
        var wrong = new List<string>();
        foreach (var (what, scheme, token) in cases)
        {
            using var client = Client(scheme, token);
            foreach (var send in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.GetAsync($"/api/families/{familyId}/picture"),
                () => client.PostJson("/api/families", Scenarios.AFamily()),
                () => client.PostJson($"/api/families/{familyId}/children", new { name = "Vauva", birthDate = "2026-01-01" }),
            })
            {
                using var response = await send();
                sent++;
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.Unauthorized
                    && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && response.Headers.WwwAuthenticate.ToString() == "Bearer"
                    && !body.Contains(familyId.ToString(), StringComparison.Ordinal))
                {
                    correct++;
                }
                else
                {
                    wrong.Add($"{what}: {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {body[..Math.Min(120, body.Length)]}");
                }
            }
        }
        // The token may not be carried in the query string either (it would end up in access logs and browser history).
        using (var anonymous = host.CreateClient())
        {
            using var response = await anonymous.GetAsync($"/api/families/{familyId}/picture?access_token={signed}");
            sent++;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                correct++;
            }
            else
            {
                wrong.Add($"token in the query string: {(int)response.StatusCode}");
            }
        }

        SuiteFigures.HostileRequests(sent, correct);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(before, await host.EventCount(worker.Org));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(parts[2], StringComparison.Ordinal) || l.Contains(parts[1], StringComparison.Ordinal));
    }

    private HttpClient Client(string scheme, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = token.Length == 0 ? new AuthenticationHeaderValue(scheme) : new AuthenticationHeaderValue(scheme, token);
        return client;
    }
}
