using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Coordination.Hosting;

/// <summary>
/// A request that failed because the database could not serve it now (a lock not granted within <c>lock_timeout</c>,
/// a cancelled statement, the server restarting or out of connections, a broken connection) is answered 503 with
/// <c>Retry-After</c>, not 500. Where the server refused the work, nothing was written (the transaction rolled back
/// whole). Where the connection broke, a commit may have been on its way: the answer says so, and a write sent again
/// with the same <c>Idempotency-Key</c> is made once either way. Everything else stays a logged 500 without details.
/// </summary>
public sealed partial class TransientDatabaseFailures(ILogger<TransientDatabaseFailures> logger) : IExceptionHandler
{
    private static readonly HashSet<string> RetryableStates =
    [
        PostgresErrorCodes.LockNotAvailable, PostgresErrorCodes.QueryCanceled, PostgresErrorCodes.AdminShutdown,
        PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.CannotConnectNow, PostgresErrorCodes.TooManyConnections,
        PostgresErrorCodes.SerializationFailure, PostgresErrorCodes.DeadlockDetected,
    ];

    /// <summary>The cause of a connection that broke (not a refusal by the server): a commit may have landed.</summary>
    public const string Broken = "transient";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Cause(exception) is not { } cause || httpContext.Response.HasStarted)
        {
            return false;
        }
        Retryable(logger, cause);
        httpContext.Response.Headers.RetryAfter = "2";
        await Problems.Write(httpContext, Problems.Unavailable(cause == Broken
            ? "The connection to the database broke. Send the request again in a moment; a write sent with the same Idempotency-Key is made once, whether or not this attempt reached the database."
            : "The database could not serve this request just now; nothing was written. Retry in a moment."));
        return true;
    }

    /// <summary>The database failure in the exception's chain that a retry can cure, if there is one.</summary>
    public static string? Cause(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when RetryableStates.Contains(postgres.SqlState):
                    return postgres.SqlState;
                case PostgresException:
                    return null;
                case NpgsqlException { IsTransient: true }:
                    return Broken;
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request failed on a passing database condition ({Cause}); answered 503")]
    private static partial void Retryable(ILogger logger, string cause);
}
