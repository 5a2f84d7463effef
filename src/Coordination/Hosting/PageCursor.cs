using System.Text;

namespace Coordination.Hosting;

/// <summary>
/// The opaque <c>cursor</c> of a paged list (contract 1.1): where the last page ended, as a few parts, base64url-encoded so
/// it travels in a query string as it is. Each list says what its parts are and checks them when it reads one back.
/// </summary>
public static class PageCursor
{
    public static string Write(params string[] parts) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A cursor of one id (a list ordered by id), or null for anything else.</summary>
    public static Guid? ReadId(string text) => Read(text, 1) is [var part] && Guid.TryParseExact(part, "N", out var id) ? id : null;

    /// <summary>The parts of a cursor this service wrote, or null for anything else (then the list answers 400).</summary>
    public static string[]? Read(string text, int parts)
    {
        if (text.Length > 400)
        {
            return null;
        }
        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var read = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            return read.Length == parts ? read : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The paging parameters every list reads alike (contract 1.1): <c>limit</c> (default 50, at most 200) and the <c>cursor</c>
/// of the previous page's <c>Link</c>. A bad value is a field error, answered with the list's other errors.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The page size asked for, or the default.</summary>
    public static int Limit(int? limit, Dictionary<string, string[]> errors)
    {
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is between 1 and {MaxLimit}."];
        }
        return limit ?? DefaultLimit;
    }

    /// <summary>Where the previous page ended, as <paramref name="read"/> reads a cursor the list wrote; default when none was given.</summary>
    /// <typeparam name="T">A nullable type: <paramref name="read"/> answers null for a cursor the list did not write.</typeparam>
    public static T After<T>(string? cursor, Func<string, T> read, Dictionary<string, string[]> errors)
    {
        if (cursor is null)
        {
            return default!;
        }
        var after = read(cursor);
        if (after is null)
        {
            errors["cursor"] = ["Use the cursor of the previous page's Link header."];
        }
        return after;
    }
}
