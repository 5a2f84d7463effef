using Coordination.Families;
using Coordination.Identity;

namespace Coordination.Deadlines;

public enum DeadlineKind
{
    UrgencyAssessment,
    AssessmentDecision,
    AssessmentCompletion,
    ClientPlanReview,
}

/// <summary>A statutory deadline passed unmet. Recorded by the service when the day was over.</summary>
public sealed record DeadlineMissed(string DeadlineKey, DeadlineKind Kind, DateOnly DueDate, string? ResponsibleId, Actor By,
    DateTimeOffset OccurredAt) : IFamilyEvent;
