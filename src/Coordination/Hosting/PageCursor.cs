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
