using Coordination.Hosting;
using Coordination.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Audit;

/// <summary>The purpose of a read, from <c>X-Access-Purpose</c> (ATL 10 §); <c>client-work</c> when not given.</summary>
public static class AccessPurpose
{
    public const string Header = "X-Access-Purpose";
    public const string Default = "client-work";
    public const int MaxLength = 200;

    public static (string? Purpose, ProblemDetails? Problem) Read(HttpContext context)
    {
        var value = context.Request.Headers[Header].ToString().Trim();
        if (value.Length == 0)
        {
            return (Default, null);
        }
        return value.Length > MaxLength || !Rules.NoControlCharacters(value)
            ? (null, Problems.Invalid(Header, $"The purpose is at most {MaxLength} printable characters."))
            : (value, null);
    }
}
