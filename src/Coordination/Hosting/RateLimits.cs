using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Coordination.Hosting;

/// <summary>Configuration section <c>RateLimiting</c>: how many requests one caller may send.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a caller may send at once after being idle.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests per second a caller may sustain.</summary>
    public int PerSecond { get; set; } = 20;
}

/// <summary>
/// A token bucket per caller on every <c>/api</c> route: the verified token's organisation and subject, or for
/// unauthenticated callers (school systems) the connection's address alone. Nothing the caller merely claims (an
/// <c>X-Sender</c>) chooses a bucket: a new value per request would otherwise be a fresh budget each time. Over the
/// limit: 429 with <c>Retry-After</c> and a problem body.
/// </summary>
public static class RateLimits
{
    public static void ConfigureRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetTokenBucketLimiter(CallerOf(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.Burst,
                        TokensPerPeriod = options.PerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            limiter.OnRejected = async (rejected, _) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                await Problems.Write(rejected.HttpContext, Problems.Create(StatusCodes.Status429TooManyRequests, "rate-limited",
                    "Too many requests", $"This caller sent more than {options.PerSecond} requests a second. Retry after {wait} s."));
            };
        });
    }

    private static string CallerOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            return $"caller:{user.FindFirst(Identity.Claims.Organisation)?.Value}:{user.FindFirst(Identity.Claims.Subject)?.Value}";
        }
        return $"anonymous:{context.Connection.RemoteIpAddress}";
    }
}
