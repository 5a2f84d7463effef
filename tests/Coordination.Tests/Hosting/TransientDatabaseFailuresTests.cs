using Coordination.Hosting;
using Npgsql;

namespace Coordination.Tests.Hosting;

public sealed class TransientDatabaseFailuresTests
{
    private static PostgresException Postgres(string state) => new("message", "ERROR", "ERROR", state);

    [Theory]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    public void A_condition_a_retry_cures_is_found_however_deep_it_is_wrapped(string state)
    {
        Assert.Equal(state, TransientDatabaseFailures.Cause(Postgres(state)));
        Assert.Equal(state, TransientDatabaseFailures.Cause(new InvalidOperationException("outer", new InvalidOperationException("middle", Postgres(state)))));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    [InlineData(PostgresErrorCodes.InvalidTextRepresentation)]
    public void A_bug_or_a_broken_schema_stays_a_500(string state) =>
        Assert.Null(TransientDatabaseFailures.Cause(new InvalidOperationException("outer", Postgres(state))));

    [Fact]
    public void Other_exceptions_are_not_database_conditions() =>
        Assert.Null(TransientDatabaseFailures.Cause(new InvalidOperationException("no database here")));
}
