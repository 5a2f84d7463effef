using Marten;

namespace Coordination.SchoolWelfare;

public static class SchoolWelfareSetup
{
    public static void ConfigureSchoolWelfare(this StoreOptions opts)
    {
        // A message names only its sender, so sender ids are one namespace for every organisation.
        opts.Schema.For<SchoolSender>().SingleTenanted().Index(s => s.Organisation);
        opts.Schema.For<InboundMessage>().UseOptimisticConcurrency(true)
            .Index(m => m.Message!.Pupil.PersonId); // an access report finds a pupil's messages (ATL 11 §)
        // The unmatched and dead-lettered lists page by status and receipt (and the worklist counts the unmatched).
        WaitingMessages.ConfigureIndexes(opts);
    }

    public static void ConfigureSchoolWelfare(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SchoolWelfareOptions.Section).Get<SchoolWelfareOptions>() ?? new SchoolWelfareOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(SenderSecrets.FromConfiguration(options, builder.Environment));
    }
}
