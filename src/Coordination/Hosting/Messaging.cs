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
