using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Coordination.Hosting;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the reverse proxies in front of the service, by address. Empty (the
/// default): <c>X-Forwarded-For</c> is ignored, since anyone can send it. Named: a request that comes from one of them
/// takes its caller's address from the last hop of <c>X-Forwarded-For</c> (what that proxy appended), which is what
/// the rate limit of unauthenticated callers (school systems) keys on, and the scheme from <c>X-Forwarded-Proto</c>.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    public IReadOnlyList<string> KnownProxies { get; set; } = [];
}

public static class Proxies
{
    public static void UseKnownProxies(this WebApplication app)
    {
        var configured = app.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>()?.KnownProxies ?? [];
        if (configured.Count == 0)
        {
            return;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1, // only the hop our own proxy added; what a caller wrote before it is not believed
        };
        // ASP.NET trusts loopback by default; here only the proxies named are trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var address in configured)
        {
            options.KnownProxies.Add(IPAddress.TryParse(address, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies holds '{address}', which is not an IP address."));
        }
        app.UseForwardedHeaders(options);
    }
}
