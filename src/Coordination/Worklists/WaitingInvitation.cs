using Coordination.Assessment;
using Coordination.Identity;
using Coordination.SituationalPicture;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Coordination.Worklists;

/// <summary>
/// An agency's invitation to take part in an assessment (SHL 41 §), for the invited professional's worklist: open until the
/// invited agency contributes in answer to it (and while the assessment runs, which the read checks on the family). Holds
/// the question, social work's case record (docs/sharing.md N2): the worklist cuts it as the picture does.
/// </summary>
public sealed class WaitingInvitation
{
    public Guid Id { get; set; }
    public Guid FamilyId { get; set; }
    public Guid AssessmentId { get; set; }
    public Agency Agency { get; set; }
    public string? ProfessionalId { get; set; }
    public string Question { get; set; } = "";
    public DateOnly? RespondBy { get; set; }
    public DateTimeOffset InvitedAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public bool Answered { get; set; }
}

public sealed partial class WaitingInvitationProjection : MultiStreamProjection<WaitingInvitation, Guid>
{
    public WaitingInvitationProjection()
    {
        Options.BatchSize = Hosting.ProjectionPaging.RebuildBatchSize;
        Identity<AgencyInvited>(e => e.InvitationId);
        Identities<ContributionRecorded>(e => e.InvitationId is { } id ? [id] : []);
    }

    public static WaitingInvitation Create(IEvent<AgencyInvited> e) => new()
    {
        Id = e.Data.InvitationId, FamilyId = e.StreamId, AssessmentId = e.Data.AssessmentId, Agency = e.Data.Agency,
        ProfessionalId = e.Data.ProfessionalId, Question = e.Data.Question, RespondBy = e.Data.RespondBy, InvitedAt = e.Data.OccurredAt,
        RecordedAt = e.Recorded(),
    };

    /// <summary>Answered once the invited agency contributes to it (a contribution naming the invitation is of that agency).</summary>
    public static void Apply(ContributionRecorded e, WaitingInvitation i) => i.Answered |= e.Agency == i.Agency;
}

public static class WorklistsStorage
{
    public static void ConfigureWorklists(this StoreOptions opts)
    {
        opts.Projections.Add<WaitingInvitationProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        opts.Schema.For<WaitingInvitation>().Duplicate(i => i.Answered).Index(i => i.FamilyId);
    }
}
