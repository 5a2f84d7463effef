using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Access;
using Coordination.Assessment;
using Coordination.Concerns;
using Coordination.Consent;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.SchoolWelfare;
using Coordination.SituationalPicture;
using Coordination.SystemicTeams;
using JasperFx.Events;

namespace Coordination.Audit;

/// <summary>
/// Cuts a family's history through the sharing gate (docs/sharing.md §4): each fact's structure always, its content as the
/// table allows this viewer, judged exactly as the picture judges the same datum. A withheld fact keeps its structure; its
/// content fields are null and it says <c>withheld</c> and why. Pure: facts, the family as it is now, the cut in.
/// </summary>
public static class HistoryViews
{
    /// <remarks>
    /// The hash chain is the auditors' tamper evidence. A fact's hash covers all of its content, so to anyone else it would
    /// let a short withheld text (a diagnosis code) be guessed and checked: only auditors are shown hashes.
    /// </remarks>
    public static IReadOnlyList<HistoryEntry> For(SharingCut cut, IEnumerable<IEvent> events, FamilyPicture picture, SystemicRecord? systemic)
    {
        cut.Frame();
        var auditor = cut.Viewer.Agency == Identity.Agency.Audit;
        return events.Select(e =>
        {
            var fact = (IFamilyEvent)e.Data;
            var data = JsonSerializer.SerializeToNode(e.Data, e.Data.GetType(), Json.Options)!.AsObject();
            Cut(cut, fact, e.Timestamp, data, picture, systemic);
            return new HistoryEntry(e.Sequence, e.Version, e.Data.GetType().Name, fact.OccurredAt, e.Timestamp, fact.By, data,
                auditor ? e.GetHeader(HashChain.HashHeader)?.ToString() : null,
                auditor ? e.GetHeader(HashChain.PreviousHeader)?.ToString() : null);
        }).ToList();
    }

    private static void Cut(SharingCut cut, IFamilyEvent fact, DateTimeOffset recordedAt, JsonObject data, FamilyPicture picture,
        SystemicRecord? systemic)
    {
        Disclosure Decide(string name, Datum datum) => cut.Decide(name, datum with { RecordedAt = recordedAt });
        IReadOnlyCollection<Guid> ConcernChildren(Guid concernId) => picture.Concerns.Find(c => c.ConcernId == concernId)?.ChildIds ?? [];
        IReadOnlyCollection<Guid> AssessmentChildren(Guid assessmentId) =>
            picture.Assessments.Find(a => a.AssessmentId == assessmentId)?.ChildIds ?? [];
        var family = picture.AllChildIds();
        Disclosure Discussion(string name, Guid discussionId) =>
            systemic?.Discussions.Find(d => d.DiscussionId == discussionId) is { } discussion
                ? Decide(name, SystemicViews.Of(discussion, family))
                : new Disclosure.Withheld(Sharing.NoConsent, null); // the record has no such discussion: nothing to show

        switch (fact)
        {
            case ConcernRaised c:
                Content(data, Decide($"concern:{c.ConcernId}", Datum.SocialWorkRecord(c.ChildIds)),
                    "description", "suspectedOffence", "policeReported", "source.organisation", "source.reporterRole", "source.anonymous", "via");
                break;
            case UrgencyAssessed u:
                Content(data, Decide($"concern:{u.ConcernId}", Datum.SocialWorkRecord(ConcernChildren(u.ConcernId))), "reasoning");
                break;
            case ConcernDecided d:
                Content(data, Decide($"concern:{d.ConcernId}", Datum.SocialWorkRecord(ConcernChildren(d.ConcernId))), "reason");
                break;
            case AgencyInvited i:
                Content(data, Decide($"invitation:{i.InvitationId}", Datum.Invitation(i.Agency, AssessmentChildren(i.AssessmentId))), "question");
                break;
            case ContributionRecorded c:
                var confirmedBy = picture.Assessments.SelectMany(a => a.Contributions).FirstOrDefault(x => x.ContributionId == c.ContributionId)
                    ?.ConfirmedBy ?? [];
                if (Decide($"contribution:{c.ContributionId}", new Datum.Contribution(c.Agency, c.ChildIds, c.Category, c.LegalBasis, confirmedBy))
                    is Disclosure.Withheld withheld)
                {
                    // As the picture shows a withheld contribution: that it exists and whose it is, nothing of what it says or whom.
                    data.Clear();
                    data["contributionId"] = c.ContributionId;
                    data["assessmentId"] = c.AssessmentId;
                    data["agency"] = JsonSerializer.SerializeToNode(c.Agency, Json.Options);
                    Mark(data, withheld);
                }
                break;
            case ChildHearingRecorded h:
                Content(data, Decide($"hearing:{h.HearingId}", Datum.Hearing(h.By.Agency, h.ChildId)), "views", "notHeardReason");
                break;
            case AssessmentConcluded a:
                Content(data, Decide($"conclusion:{a.AssessmentId}", Datum.SocialWorkRecord(AssessmentChildren(a.AssessmentId))),
                    "summary", "clientOpinion", "namedWorkerNeeded");
                break;
            case SystemicDiscussionRecorded d:
                Content(data, Decide($"discussion:{d.DiscussionId}", Datum.SystemicRecord(family, d.ParticipantIds)), "reflections");
                break;
            case HypothesisRecorded h:
                Content(data, Discussion($"hypothesis:{h.HypothesisId}:{h.Revision}", h.DiscussionId), "text", "status", "evidenceVersions");
                break;
            case ActionAgreed a:
                Content(data, Discussion($"action:{a.ActionId}", a.DiscussionId), "description", "ownerId", "dueBy");
                break;
            case ActionCompleted a when systemic?.Actions.Find(x => x.ActionId == a.ActionId) is { } action:
                Content(data, Discussion($"action:{a.ActionId}", action.DiscussionId), "note");
                break;
            case ActionCompleted:
                Content(data, new Disclosure.Withheld(Sharing.NoConsent, null), "note");
                break;
            case ExpertGroupMeetingReported r:
                Content(data, Decide($"school-report:{r.ReportId}", new Datum.SchoolReport([r.ChildId], r.Message.LegalBasis)),
                    "heldOn", "participantRoles", "summary", "nextMeetingOn");
                break;
            case AbsenceAlertReported r:
                Content(data, Decide($"school-report:{r.ReportId}", new Datum.SchoolReport([r.ChildId], r.Message.LegalBasis)),
                    "from", "to", "absentHours", "unexplainedHours", "note");
                break;
            case WelfareStatusReported r:
                Content(data, Decide($"school-report:{r.ReportId}", new Datum.SchoolReport([r.ChildId], r.Message.LegalBasis)),
                    "status", "supportLevel", "summary");
                break;
            case FamilyRegistered or SeparateHouseholdRegistered or ChildAddedToFamily or ExpectedChildRecorded or ChildBorn or AssessmentStarted or ConcernJoinedAssessment or ConsentGiven or ConsentWithdrawn
                or PsychiatricEntryConfirmed or Deadlines.DeadlineMissed or FamilyAllocatedToTeam:
                break; // the frame, decided once for the whole answer
            default:
                // A fact this cut does not know is shown to no one: a new fact must say here what of it is content.
                data.Clear();
                Mark(data, new Disclosure.Withheld(Sharing.NoConsent, null));
                break;
        }
    }

    /// <summary>Withheld: the named content fields (a dot for one level down) become null, and the fact says why.</summary>
    private static void Content(JsonObject data, Disclosure decision, params string[] fields)
    {
        if (decision is not Disclosure.Withheld withheld)
        {
            return;
        }
        foreach (var field in fields)
        {
            var dot = field.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                data[field] = null;
            }
            else if (data[field[..dot]] is JsonObject inner)
            {
                inner[field[(dot + 1)..]] = null;
            }
        }
        Mark(data, withheld);
    }

    private static void Mark(JsonObject data, Disclosure.Withheld withheld)
    {
        data["withheld"] = true;
        data["reason"] = withheld.Reason;
    }
}
