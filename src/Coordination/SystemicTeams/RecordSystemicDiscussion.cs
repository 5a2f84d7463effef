using Coordination.Calendar;
using Coordination.Families;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using Coordination.Writing;
using FluentValidation;
using Marten;
using Wolverine.Http;

namespace Coordination.SystemicTeams;

public sealed record RecordSystemicDiscussion
{
    public Guid? TeamId { get; init; }
    public Guid? MeetingId { get; init; }
    public DateTimeOffset? HeldAt { get; init; }
    public IReadOnlyList<string>? ParticipantIds { get; init; }
    public IReadOnlyList<HypothesisInput>? Hypotheses { get; init; }
    public string? Reflections { get; init; }
    public IReadOnlyList<ActionInput>? Actions { get; init; }
}

/// <param name="HypothesisId">Null proposes a new hypothesis; an existing id revises it.</param>
public sealed record HypothesisInput(Guid? HypothesisId, string? Text, HypothesisStatus? Status, IReadOnlyList<EvidenceInput>? Evidence);

/// <summary>A fact of the family's record the hypothesis rests on, by the stream version it was written at.</summary>
public sealed record EvidenceInput(long? FamilyVersion);

public sealed record ActionInput(string? Description, string? OwnerId, DateOnly? DueBy);

public sealed record DiscussionRecordedResponse(Guid DiscussionId, IReadOnlyList<RecordedHypothesis> Hypotheses, IReadOnlyList<Guid> ActionIds,
    long Version);

public sealed record RecordedHypothesis(Guid HypothesisId, int Revision);

public static class RecordSystemicDiscussionEndpoint
{
    [WolverinePost("/api/families/{familyId}/systemic-discussions", OperationId = "recordSystemicDiscussion")]
    [Tags("Systemic teams")]
    [Creates]
    public static async Task<Written<DiscussionRecordedResponse>> Post(Guid familyId, RecordSystemicDiscussion command, FamilyWrites writes) =>
        new(await writes.AppendAsync(familyId, (session, _, ct) => session.LoadAsync<Team>(command.TeamId!.Value, ct),
            (family, team) => Decide(family, team, command, writes.Caller, writes.Now)));

    /// <summary>
    /// ATL 44 §: the team's discussion of the family, with its participants. Hypotheses are revised, never overwritten:
    /// a new version points at the facts it rests on. A discarded hypothesis stays discarded; a new idea is a new one.
    /// </summary>
    public static Decision Decide(Family family, Team? team, RecordSystemicDiscussion command, Professional caller, DateTimeOffset now)
    {
        if (team is null || team.Current(caller.Id) is null)
        {
            return Decision.Refuse(Problems.Forbidden("Only current members of the family's team record its systemic discussions."));
        }
        if (family.Relationships.TeamId != team.Id)
        {
            return Decision.Refuse(Problems.Conflict("not-allocated-to-team", "The family is not allocated to this team."));
        }
        if (command.MeetingId is { } meetingId && team.Meetings.All(m => m.MeetingId != meetingId))
        {
            return Decision.Refuse(Problems.Invalid("meetingId", "No meeting of this team has this id."));
        }
        // A discussion may be dated before the allocation: the meeting that takes a family on discusses it first.
        if (Refusals.NotACaseTime("heldAt", command.HeldAt, now) is { } invalid)
        {
            return invalid;
        }
        var heldAt = command.HeldAt ?? now;
        var errors = new Dictionary<string, string[]>();
        var hypotheses = command.Hypotheses ?? [];
        for (var i = 0; i < hypotheses.Count; i++)
        {
            CheckHypothesis(family, hypotheses[i], $"hypotheses[{i}]", errors);
        }
        var actions = command.Actions ?? [];
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i].DueBy < FinnishCalendar.HelsinkiDate(heldAt))
            {
                errors[$"actions[{i}].dueBy"] = ["An action cannot be due before the discussion that agreed it."];
            }
        }
        if (errors.Count > 0)
        {
            return Decision.Refuse(Problems.Invalid(errors));
        }
        if (hypotheses.Where(h => h.HypothesisId is { } id && family.Hypotheses[id] == HypothesisStatus.Discarded).Any())
        {
            return Decision.Refuse(Problems.Conflict("hypothesis-discarded",
                "A discarded hypothesis is not revised again; propose a new one (hypothesisId null)."));
        }

        var by = caller.AsActor();
        var discussion = new SystemicDiscussionRecorded(Guid.CreateVersion7(), team.Id, command.MeetingId,
            command.ParticipantIds!.Distinct().ToList(), command.Reflections, by, heldAt);
        var recorded = hypotheses.Select(h => new HypothesisRecorded(
            h.HypothesisId ?? Guid.CreateVersion7(),
            h.HypothesisId is { } id ? family.HypothesisRevisions[id] + 1 : 1,
            discussion.DiscussionId, h.Text!, h.Status!.Value,
            (h.Evidence ?? []).Select(x => x.FamilyVersion!.Value).Distinct().Order().ToList(), by, heldAt)).ToList();
        var agreed = actions.Select(a => new ActionAgreed(Guid.CreateVersion7(), discussion.DiscussionId, a.Description!, a.OwnerId!,
            a.DueBy!.Value, by, heldAt)).ToList();
        return Decision.Created(
            version => new DiscussionRecordedResponse(discussion.DiscussionId,
                recorded.Select(h => new RecordedHypothesis(h.HypothesisId, h.Revision)).ToList(),
                agreed.Select(a => a.ActionId).ToList(), version),
            [discussion, .. recorded, .. agreed]);
    }

    private static void CheckHypothesis(Family family, HypothesisInput h, string field, Dictionary<string, string[]> errors)
    {
        if (h.HypothesisId is { } id && !family.Hypotheses.ContainsKey(id))
        {
            errors[$"{field}.hypothesisId"] = ["No hypothesis of this family has this id. Leave it null to propose a new one."];
        }
        if (h.HypothesisId is null && h.Status is not HypothesisStatus.Proposed)
        {
            errors[$"{field}.status"] = ["A new hypothesis starts as proposed."];
        }
        var evidence = h.Evidence ?? [];
        for (var j = 0; j < evidence.Count; j++)
        {
            if (evidence[j].FamilyVersion > family.Version)
            {
                errors[$"{field}.evidence[{j}].familyVersion"] = [$"The family's record has {family.Version} facts; point at one of them."];
            }
        }
    }
}

public sealed class RecordSystemicDiscussionValidator : AbstractValidator<RecordSystemicDiscussion>
{
    public const int MaxItems = 50;

    public RecordSystemicDiscussionValidator()
    {
        RuleFor(x => x.TeamId).RequiredId();
        RuleFor(x => x.ParticipantIds).NotEmpty().WithMessage("Name who took part (ATL 44 §).")
            .Must(p => p is null || p.Count <= MaxItems).WithMessage($"At most {MaxItems} participants.");
        RuleForEach(x => x.ParticipantIds).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(x => x.Reflections).PlainText(Rules.NarrativeMax);
        RuleFor(x => x).Must(x => x.Reflections is { Length: > 0 } || x.Hypotheses is { Count: > 0 } || x.Actions is { Count: > 0 })
            .WithName("reflections").WithMessage("A discussion records reflections, hypotheses or actions.");
        RuleFor(x => x.Hypotheses).Must(h => h is null || h.Count <= MaxItems).WithMessage($"At most {MaxItems} hypotheses.")
            .Must(h => h is null || h.Where(x => x?.HypothesisId is not null).GroupBy(x => x!.HypothesisId).All(g => g.Count() == 1))
            .WithMessage("Revise a hypothesis once per discussion.");
        RuleForEach(x => x.Hypotheses).NotNull().WithMessage("A hypothesis is an object, not null.");
        RuleForEach(x => x.Hypotheses).ChildRules(h =>
        {
            h.RuleFor(x => x.Text).NotEmpty().PlainText(Rules.NarrativeMax);
            h.RuleFor(x => x.Status).NotNull();
            h.RuleFor(x => x.Evidence).Must(e => e is null || e.Count <= MaxItems).WithMessage($"At most {MaxItems} pieces of evidence.");
            h.RuleForEach(x => x.Evidence).NotNull().WithMessage("Evidence is an object, not null.");
            h.RuleForEach(x => x.Evidence).ChildRules(e =>
                e.RuleFor(x => x.FamilyVersion).NotNull().GreaterThan(0));
        });
        RuleFor(x => x.Actions).Must(a => a is null || a.Count <= MaxItems).WithMessage($"At most {MaxItems} actions.");
        RuleForEach(x => x.Actions).NotNull().WithMessage("An action is an object, not null.");
        RuleForEach(x => x.Actions).ChildRules(a =>
        {
            a.RuleFor(x => x.Description).NotEmpty().PlainText(Rules.ShortTextMax);
            a.RuleFor(x => x.OwnerId).NotEmpty().PlainText(Rules.NameMax);
            a.RuleFor(x => x.DueBy).NotNull();
        });
    }
}
