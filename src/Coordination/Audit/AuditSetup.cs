namespace Coordination.Audit;

public static class AuditSetup
{
    public static void ConfigureAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AccessLog>();
        builder.Services.AddHostedService<AccessLogSchema>();
    }
}
