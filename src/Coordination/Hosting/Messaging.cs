using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.Marten;

namespace Coordination.Hosting;

public static class Messaging
{
    public static void ConfigureMessaging(this WebApplicationBuilder builder)
    {
        builder.Host.UseWolverine(opts =>
        {
            // Required under WebApplicationFactory, where the entry assembly is the test runner (guide §10).
            opts.ApplicationAssembly = typeof(Program).Assembly;
            opts.Durability.Mode = builder.Configuration.GetValue("Wolverine:Solo", builder.Environment.IsDevelopment())
                ? DurabilityMode.Solo
                : DurabilityMode.Balanced;
            // An envelope this node owns in the inbox but no longer holds in memory would wait for a restart of the service:
            // a handler's failure that could not be rescheduled while PostgreSQL was down (Wolverine retries that write for
            // about 0.4 s, then gives up) leaves its school message or notification "received". Envelopes older than this
            // are released to be recovered. Every handler is idempotent (a message processed, a deadline checked, a
            // notification placed: nothing happens twice), so one released while still being handled does no harm.
            opts.Durability.InboxStaleTime = builder.Configuration.GetValue<TimeSpan?>("Wolverine:InboxStaleTime") ?? TimeSpan.FromMinutes(2);
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            opts.EnableRelayOfUserName = true;
            opts.Policies.Add<Validation.FluentValidationHandlerPolicy>();
            var schoolWelfare = builder.Configuration.GetSection(SchoolWelfare.SchoolWelfareOptions.Section).Get<SchoolWelfare.SchoolWelfareOptions>()
                                ?? new SchoolWelfare.SchoolWelfareOptions();
            opts.Policies.Add(new SchoolWelfare.SchoolMessageRetryPolicy(schoolWelfare));
            // School messages have a durable local queue of their own, so a burst of them never waits behind deadline checks.
            opts.PublishMessage<SchoolWelfare.ProcessSchoolMessage>().ToLocalQueue("school-welfare");
            // Notifications through the intake likewise: accepted with their envelope, placed from their own durable queue.
            opts.PublishMessage<Intake.ProcessNotification>().ToLocalQueue(Intake.IntakeSetup.Queue);
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        });
    }
}
