using Coordination.Calendar;
using Coordination.Deadlines;
using Coordination.Identity;

namespace Coordination.SystemicTeams;

public sealed record NextDeadline(string Kind, Guid SubjectId, DateOnly DueDate, DeadlineState State);

public sealed record CaseloadItem(Guid FamilyId, IReadOnlyList<CaseChild> Children, CaseStage Stage, WorkerRef? ResponsibleSocialWorker,
    NextDeadline? NextDeadline, DateTimeOffset? LastDiscussedAt, int OpenActions, int OverdueActions, int CurrentHypotheses);

public sealed record WorkloadItem(string ProfessionalId, string Name, TeamRole Role, int FamiliesResponsible, int ChildrenResponsible,
    int ChildrenResponsibleInOrganisation, int ChildLimit, int OpenActions, int OverdueActions, int DeadlinesDueSoon);

/// <summary>The team's caseload and each member's workload, on a given day. Pure.</summary>
public static class Caseload
{
    public static WorkerRef? Worker(TeamCase c) =>
        c.ResponsibleSocialWorkerId is { } id ? new WorkerRef(id, c.ResponsibleSocialWorkerName) : null;

    public static IReadOnlyList<CaseloadItem> For(IEnumerable<TeamCase> cases, IReadOnlyDictionary<Guid, List<Deadline>> deadlines,
        DateTimeOffset now)
    {
        var today = FinnishCalendar.HelsinkiDate(now);
        return cases.Select(c =>
        {
            var next = (deadlines.GetValueOrDefault(c.Id) ?? []).Where(d => d.MetOn is null).MinBy(d => d.DueDate);
            var open = c.Actions.Where(a => a.CompletedAt is null).ToList();
            return new CaseloadItem(c.Id, c.Children, c.Stage, Worker(c),
                next is null ? null : new NextDeadline(Kebab.Name(next.Kind), next.SubjectId, next.DueDate, DeadlineRules.StateOn(next, today)),
                c.LastDiscussedAt, open.Count, open.Count(a => a.DueBy < today),
                c.Hypotheses.Count(h => h.Status != HypothesisStatus.Discarded));
        }).OrderBy(i => i.FamilyId).ToList(); // a key that does not move while a client pages (a next deadline does)
    }

    /// <param name="childrenInOrganisation">Children each member is responsible for across the organisation (LsL 13 b § limit).</param>
    public static IReadOnlyList<WorkloadItem> Workload(Team team, IReadOnlyList<TeamCase> cases, IReadOnlyDictionary<Guid, List<Deadline>> deadlines,
        IReadOnlyDictionary<string, int> childrenInOrganisation, DateTimeOffset now)
    {
        var today = FinnishCalendar.HelsinkiDate(now);
        return team.Members.Where(m => m.Until is null).Select(m =>
        {
            var responsible = cases.Where(c => c.ResponsibleSocialWorkerId == m.ProfessionalId).ToList();
            var owned = cases.SelectMany(c => c.Actions).Where(a => a.OwnerId == m.ProfessionalId && a.CompletedAt is null).ToList();
            var dueSoon = responsible.SelectMany(c => deadlines.GetValueOrDefault(c.Id) ?? [])
                .Count(d => DeadlineRules.StateOn(d, today, Agenda.DeadlineHorizonDays) is DeadlineState.DueSoon or DeadlineState.Overdue);
            return new WorkloadItem(m.ProfessionalId, m.Name, m.Role, responsible.Count, responsible.Sum(c => c.Children.Count),
                childrenInOrganisation.GetValueOrDefault(m.ProfessionalId), ResponsibleWorkers.ChildLimit, owned.Count,
                owned.Count(a => a.DueBy < today), dueSoon);
        }).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }
}
