using Coordination.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Audit;

/// <summary>
/// The purpose of a read, from <c>X-Access-Purpose</c> (ATL 10 §: the use log says why data was used). One of a fixed
/// set, so the log can be read by purpose; an unknown value is refused, never logged as something else.
/// </summary>
public static class AccessPurpose
{
    public const string Header = "X-Access-Purpose";
    public const string Default = ClientWork;
    public const string ClientWork = "client-work";
    public const string Audit = "audit";
    public const string AccessReport = "access-report";
    /// <summary>Statutory reporting (THL's processing-times figures): aggregate counts made of client records.</summary>
    public const string Reporting = "statutory-reporting";

    public static readonly IReadOnlyList<string> Valid =
        [ClientWork, "service-need-assessment", "systemic-team-work", "supervision", Audit, AccessReport, Reporting];

    /// <summary>The purpose the caller named, or <paramref name="otherwise"/> when they named none; a problem for any other value.</summary>
    public static (string? Purpose, ProblemDetails? Problem) Read(HttpContext context, string otherwise = Default)
    {
        var value = context.Request.Headers[Header].ToString().Trim();
        if (value.Length == 0)
        {
            return (otherwise, null);
        }
        return Valid.Contains(value, StringComparer.Ordinal)
            ? (value, null)
            : (null, Problems.Invalid(Header, $"The purpose is one of: {string.Join(", ", Valid)}."));
    }
}
