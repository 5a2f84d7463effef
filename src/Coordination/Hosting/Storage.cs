using Coordination.Deadlines;
using Coordination.Families;
using Coordination.SituationalPicture;
using Coordination.SystemicTeams;
using Coordination.Writing;
using JasperFx;
using JasperFx.Events;
using JasperFx.MultiTenancy;
using Marten;
using Npgsql;
using Weasel.Core;
using Wolverine.Marten;

namespace Coordination.Hosting;

public static class Storage
{
    public const string SchemaName = "coordination";

    /// <summary>
    /// The whole event-store configuration, in one place, for the service and for tools that must see the store exactly
    /// as the service does (the benchmark's rebuild measurement, operations verbs).
    /// </summary>
    /// <param name="clock">The service's clock, which also stamps when each event was recorded (knownAt reads it).</param>
    public static void ConfigureMarten(StoreOptions opts, string connectionString, string schema, TimeProvider? clock = null)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        // A writer waiting for another writer's lock on the same family gives up after this, and the caller is told
        // to retry (503) instead of holding a request open for the default 30 s command timeout.
        if (string.IsNullOrEmpty(csb.Options))
        {
            csb.Options = "-c lock_timeout=10000";
        }
        csb.ApplicationName ??= "coordination";
        // When every pooled connection is busy, a request waits at most this long for one and is then answered 503
        // (TransientDatabaseFailures) instead of hanging for Npgsql's default 15 s.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Timeout") && !given.ContainsKey("Connect Timeout") && !given.ContainsKey("Connection Timeout"))
        {
            csb.Timeout = 5;
        }
        // Sessions in UTC, whatever the server's time zone: Wolverine stamps inbox envelopes with
        // `now() at time zone 'utc'` into a timestamptz column, which a session in Europe/Helsinki would read as two or
        // three hours earlier, so the inbox's stale time (Messaging) would release every envelope as it arrived. Our own
        // SQL names its zone where it needs one (Europe/Helsinki for a day) and hands PostgreSQL only UTC moments.
        if (!given.ContainsKey("Timezone"))
        {
            csb.Timezone = "UTC";
        }
        // Prepare the statements Marten repeats on every write (measured: parse and bind were a third of a write's SQL time).
        // Preparation survives only if the pool does not DISCARD ALL on every return; our sessions set no session state.
        if (csb.MaxAutoPrepare == 0)
        {
            csb.MaxAutoPrepare = 100;
            csb.AutoPrepareMinUsages = 2;
            csb.NoResetOnClose = true;
        }

        opts.Connection(csb.ConnectionString);
        opts.DatabaseSchemaName = schema;
        // Casing must be told to Marten too, or its LINQ names PascalCase paths the JSON does not have.
        opts.UseSystemTextJsonForSerialization(casing: Casing.CamelCase, configure: Json.ConfigureStorage);

        // The tenant is the data controller (the `org` claim). Nothing may be written without one.
        opts.Events.TenancyStyle = TenancyStyle.Conjoined;
        opts.Policies.AllDocumentsAreMultiTenanted();
        opts.Advanced.DefaultTenantUsageEnabled = false;

        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.MetadataConfig.UserNameEnabled = true;
        // One clock for the service: the recording time of events is the time the service decides by (a test's clock too).
        opts.Events.TimeProvider = clock ?? TimeProvider.System;
        // Single-stream rebuilds stream by stream instead of replaying the whole event log through every projection.
        opts.Events.UseOptimizedProjectionRebuilds = true;

        opts.Schema.For<Identity.KnownProfessional>().DocumentAlias("known_professional");
        opts.ConfigureWriting();
        opts.ConfigureFamilies();
        Concerns.ConcernsStorage.ConfigureConcerns(opts);
        Intake.IntakeSetup.ConfigureIntake(opts);
        opts.ConfigureSituationalPicture();
        opts.ConfigureDeadlines();
        Reports.ReportsStorage.ConfigureReports(opts);
        Worklists.WorklistsStorage.ConfigureWorklists(opts);
        opts.ConfigureSystemicTeams();
        SchoolWelfare.SchoolWelfareSetup.ConfigureSchoolWelfare(opts);
    }

    public static void ConfigureStorage(this WebApplicationBuilder builder, string connectionString)
    {
        var schema = builder.Configuration["Storage:Schema"] ?? SchemaName;
        builder.Services.AddMarten(services =>
            {
                var opts = new StoreOptions();
                ConfigureMarten(opts, connectionString, schema, services.GetRequiredService<TimeProvider>());
                return opts;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine(w =>
            {
                // Marten's HotCold daemon stalls on our DistributedLock shim (critter-stack guide E2);
                // Wolverine distributes the projection agents instead.
                w.UseWolverineManagedEventSubscriptionDistribution = true;
            });

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
    }
}
