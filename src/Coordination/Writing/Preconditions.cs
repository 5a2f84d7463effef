using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coordination.Hosting;
using Coordination.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Writing;

/// <summary>The <c>If-Match</c> and <c>Idempotency-Key</c> headers of a write, parsed once.</summary>
public sealed record Preconditions(long? ExpectedVersion, IdempotencyKey? Idempotency)
{
    public const int MaxKeyLength = 200;

    public static (Preconditions?, ProblemDetails?) Read(HttpContext context, Professional caller)
    {
        long? expected = null;
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*")
        {
            var tag = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
            tag = tag.Trim().Trim('"');
            if (!long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return (null, Problems.Invalid("If-Match", "If-Match must be a version the API returned, e.g. \"7\"."));
            }
            expected = version;
        }

        IdempotencyKey? idempotency = null;
        if (context.Request.Headers.TryGetValue("Idempotency-Key", out var keys))
        {
            var key = keys.ToString();
            if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            {
                return (null, Problems.Invalid("Idempotency-Key",
                    $"Idempotency-Key must be 1 to {MaxKeyLength} printable ASCII characters without spaces."));
            }
            idempotency = new IdempotencyKey(
                Id: Hash($"{caller.Id}\n{key}"),
                RequestHash: RequestHash(context));
        }
        return (new Preconditions(expected, idempotency), null);
    }

    private static string RequestHash(HttpContext context)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{context.Request.Method} {context.Request.Path}\n"));
        sha.AppendData(RequestBody.Raw(context).Span);
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>An idempotency key scoped to its caller, and the hash of the request it came with.</summary>
public sealed record IdempotencyKey(string Id, string RequestHash);
