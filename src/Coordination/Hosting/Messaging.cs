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
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        });
    }
}
