using RequiredAttribute = System.ComponentModel.DataAnnotations.RequiredAttribute;
using System.Text.Json;
using Coordination.Concerns;
using Coordination.Hosting;
using Coordination.Identity;
using Coordination.Validation;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.SchoolWelfare;

/// <summary>A school message as the contract spells it. Type, version and basis stay text until checked, so an unknown one gets its own answer.</summary>
/// <remarks>The OpenAPI document describes it as a valid message is: each required member, and what each takes (the payload by type).</remarks>
public sealed record SchoolMessageEnvelope
{
    [Required] public string? MessageId { get; init; }
    [Required, DocumentedAs(Values = [SchoolMessages.CurrentVersion])] public string? SchemaVersion { get; init; }
    [Required, DocumentedAs(typeof(SchoolMessageType))] public string? Type { get; init; }
    [Required] public DateTimeOffset? SentAt { get; init; }
    public string? Municipality { get; init; }
    [Required] public PupilInput? Pupil { get; init; }
    [Required] public SchoolInput? School { get; init; }
    /// <summary>As its <c>type</c> says: a welfare concern, an expert group meeting, an absence alert or a welfare status.</summary>
    [Required, DocumentedAs(typeof(WelfareConcernPayload), typeof(ExpertGroupMeetingPayload), typeof(AbsenceAlertPayload), typeof(WelfareStatusPayload))]
    public JsonElement? Payload { get; init; }
    [Required, DocumentedAs(typeof(SchoolLegalBasis))] public string? LegalBasis { get; init; }
}

public sealed record PupilInput(string? PersonId, string? Name, DateOnly? BirthDate);

public sealed record SchoolInput(string? Id, string? Name);

public sealed record WelfareConcernPayload(string? Description, string? ReporterRole, SuspectedOffence? SuspectedOffence, bool? PoliceReported);

public sealed record ExpertGroupMeetingPayload(DateOnly? HeldOn, IReadOnlyList<string>? ParticipantRoles, string? Summary, DateOnly? NextMeetingOn);

public sealed record AbsenceAlertPayload(DateOnly? From, DateOnly? To, int? AbsentHours, int? UnexplainedHours, string? Note);

public sealed record WelfareStatusPayload(WelfareStatus? Status, SupportLevel? SupportLevel, string? Summary);

/// <summary>A message that passed every check: what the service keeps and processes.</summary>
public sealed record SchoolMessage(
    string MessageId,
    string SchemaVersion,
    SchoolMessageType Type,
    DateTimeOffset SentAt,
    string? Municipality,
    Pupil Pupil,
    SchoolRef School,
    SchoolLegalBasis LegalBasis,
    WelfareConcernPayload? WelfareConcern = null,
    ExpertGroupMeetingPayload? ExpertGroupMeeting = null,
    AbsenceAlertPayload? AbsenceAlert = null,
    WelfareStatusPayload? WelfareStatus = null);

public sealed record Pupil(string? PersonId, string Name, DateOnly BirthDate);

/// <summary>What reading a signed body gave: the message, or the problem to answer and, when the body named its id, that id.</summary>
public sealed record ParsedMessage(SchoolMessage? Message, ProblemDetails? Problem, string? MessageId);

/// <summary>
/// Reads and checks a school message, after its signature was verified. Pure: the bytes and the moment in, the message
/// or the problem out. The schema version is checked before the type and the payload, because another version may
/// mean other types and other payloads.
/// </summary>
public static class SchoolMessages
{
    public const string CurrentVersion = "1.0";
    public static readonly IReadOnlySet<string> KnownVersions = new HashSet<string>(StringComparer.Ordinal) { CurrentVersion };

    /// <summary>How far ahead of our clock a sender's <c>sentAt</c> may be (clocks drift).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly EnvelopeValidator Envelopes = new();

    public static ParsedMessage Parse(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        SchoolMessageEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<SchoolMessageEnvelope>(body, Json.Options);
        }
        catch (JsonException e)
        {
            return new ParsedMessage(null, Http.MalformedJson(e.Message), null);
        }
        if (envelope is null)
        {
            return new ParsedMessage(null, Problems.Invalid("$", "The body must be a JSON object."), null);
        }

        var messageId = MessageIds.IsValid(envelope.MessageId) ? envelope.MessageId : null;
        if (envelope.SchemaVersion is { } version && !KnownVersions.Contains(version))
        {
            return new ParsedMessage(null, Refusal("unsupported-schema-version", "Unsupported schema version",
                $"This service reads schema versions {string.Join(", ", KnownVersions)}; the message says '{Clip(version)}'.",
                "schemaVersion"), messageId);
        }
        if (envelope.Type is { } typeText && !Kebab.TryParse<SchoolMessageType>(typeText, out _))
        {
            return new ParsedMessage(null, Refusal("unknown-message-type", "Unknown message type",
                $"Schema version {CurrentVersion} has the types {string.Join(", ", Enum.GetValues<SchoolMessageType>().Select(Kebab.Name))}.",
                "type"), messageId);
        }

        var errors = Errors(Envelopes.Validate(envelope));
        if (envelope.SentAt is { } sentAt && sentAt > now + ClockSkew)
        {
            errors["sentAt"] = [$"sentAt is more than {ClockSkew.TotalMinutes:0} minutes ahead of the service's clock. Check the sending system's clock."];
        }
        if (errors.Count > 0)
        {
            return new ParsedMessage(null, Problems.Invalid(errors), messageId);
        }

        var type = Kebab.Parse<SchoolMessageType>(envelope.Type!);
        var message = new SchoolMessage(envelope.MessageId!, envelope.SchemaVersion!, type, envelope.SentAt!.Value, envelope.Municipality,
            new Pupil(envelope.Pupil!.PersonId, envelope.Pupil.Name!, envelope.Pupil.BirthDate!.Value),
            new SchoolRef(envelope.School!.Id!, envelope.School.Name!), Kebab.Parse<SchoolLegalBasis>(envelope.LegalBasis!));
        var payload = envelope.Payload!.Value;
        try
        {
            (message, var payloadErrors) = type switch
            {
                SchoolMessageType.WelfareConcern => Payload(payload, new WelfareConcernValidator(), p => message with { WelfareConcern = p }),
                SchoolMessageType.ExpertGroupMeeting => Payload(payload, new ExpertGroupMeetingValidator(), p => message with { ExpertGroupMeeting = p }),
                SchoolMessageType.AbsenceAlert => Payload(payload, new AbsenceAlertValidator(), p => message with { AbsenceAlert = p }),
                SchoolMessageType.WelfareStatus => Payload(payload, new WelfareStatusValidator(), p => message with { WelfareStatus = p }),
                _ => throw new ArgumentOutOfRangeException(nameof(body)),
            };
            if (payloadErrors.Count > 0)
            {
                return new ParsedMessage(null, Problems.Invalid(payloadErrors), messageId);
            }
        }
        catch (JsonException e)
        {
            var problem = Http.MalformedJson(e.Message, "payload");
            return new ParsedMessage(null, problem, messageId);
        }
        return new ParsedMessage(message, null, message.MessageId);
    }

    private static (SchoolMessage, Dictionary<string, string[]>) Payload<T>(JsonElement payload, AbstractValidator<T> validator,
        Func<T, SchoolMessage> with) where T : class
    {
        var typed = payload.Deserialize<T>(Json.Options);
        if (typed is null)
        {
            return (with(null!), new Dictionary<string, string[]> { ["payload"] = ["The payload must be a JSON object."] });
        }
        var errors = Errors(validator.Validate(typed)).ToDictionary(e => "payload." + e.Key, e => e.Value);
        return (with(typed), errors);
    }

    /// <summary>Errors keyed by the JSON's own field names (pupil.personId), whatever the validator's global name resolver says.</summary>
    private static Dictionary<string, string[]> Errors(ValidationResult result) =>
        result.Errors.GroupBy(e => JsonPath(e.PropertyName)).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    private static string JsonPath(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    private static ProblemDetails Refusal(string slug, string title, string detail, string field)
    {
        var problem = Problems.Invalid(field, detail);
        problem.Type = "https://coordination.example/problems/" + slug;
        problem.Title = title;
        problem.Detail = detail;
        return problem;
    }

    private static string Clip(string text) => text.Length <= 20 ? text : text[..20] + "…";
}

/// <summary>Sender-chosen message ids: letters, digits and <c>._:-</c>, at most 128 characters.</summary>
public static class MessageIds
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');
}

public sealed class EnvelopeValidator : AbstractValidator<SchoolMessageEnvelope>
{
    public EnvelopeValidator()
    {
        RuleFor(x => x.MessageId).NotEmpty().Must(MessageIds.IsValid)
            .WithMessage($"Use letters, digits and . _ : - only, at most {MessageIds.MaxLength} characters.");
        RuleFor(x => x.SchemaVersion).NotEmpty();
        RuleFor(x => x.Type).NotEmpty();
        RuleFor(x => x.SentAt).NotNull();
        RuleFor(x => x.Municipality).PlainText(Rules.NameMax);
        RuleFor(x => x.Pupil).NotNull();
        RuleFor(x => x.Pupil).ChildRules(pupil =>
        {
            pupil.RuleFor(p => p!.PersonId).PersonalIdentityCode();
            pupil.RuleFor(p => p!.Name).NotEmpty().PlainText(Rules.NameMax);
            pupil.RuleFor(p => p!.BirthDate).NotNull();
        });
        RuleFor(x => x.School).NotNull();
        RuleFor(x => x.School).ChildRules(school =>
        {
            school.RuleFor(s => s!.Id).NotEmpty().PlainText(Rules.NameMax);
            school.RuleFor(s => s!.Name).NotEmpty().PlainText(Rules.NameMax);
        });
        RuleFor(x => x.Payload).NotNull()
            .Must(p => p!.Value.ValueKind == JsonValueKind.Object).When(x => x.Payload is not null, ApplyConditionTo.CurrentValidator).WithMessage("The payload must be a JSON object.");
        RuleFor(x => x.LegalBasis).NotEmpty()
            .Must(b => Kebab.TryParse<SchoolLegalBasis>(b, out _)).When(x => x.LegalBasis is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"Use one of {string.Join(", ", Enum.GetValues<SchoolLegalBasis>().Select(Kebab.Name))}.");
    }
}

public sealed class WelfareConcernValidator : AbstractValidator<WelfareConcernPayload>
{
    public WelfareConcernValidator()
    {
        RuleFor(x => x.Description).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.ReporterRole).PlainText(Rules.NameMax);
        RuleFor(x => x.PoliceReported).NotNull().When(x => x.SuspectedOffence is not null and not SuspectedOffence.None)
            .WithMessage("With a suspected offence, state whether a police report was made (LsL 25 § 3).");
    }
}

public sealed class ExpertGroupMeetingValidator : AbstractValidator<ExpertGroupMeetingPayload>
{
    public ExpertGroupMeetingValidator()
    {
        RuleFor(x => x.HeldOn).NotNull();
        RuleFor(x => x.ParticipantRoles).NotEmpty().Must(r => r!.Count <= 30).WithMessage("At most 30 participant roles.");
        RuleForEach(x => x.ParticipantRoles).NotEmpty().PlainText(Rules.NameMax);
        RuleFor(x => x.Summary).NotEmpty().PlainText(Rules.NarrativeMax);
        RuleFor(x => x.NextMeetingOn).GreaterThanOrEqualTo(x => x.HeldOn).When(x => x.NextMeetingOn is not null && x.HeldOn is not null)
            .WithMessage("The next meeting cannot be before this one.");
    }
}

public sealed class AbsenceAlertValidator : AbstractValidator<AbsenceAlertPayload>
{
    public AbsenceAlertValidator()
    {
        RuleFor(x => x.From).NotNull();
        RuleFor(x => x.To).NotNull().GreaterThanOrEqualTo(x => x.From).When(x => x.From is not null).WithMessage("'to' cannot be before 'from'.");
        RuleFor(x => x.AbsentHours).NotNull().InclusiveBetween(0, 10_000);
        RuleFor(x => x.UnexplainedHours).NotNull().InclusiveBetween(0, 10_000);
        RuleFor(x => x.UnexplainedHours).LessThanOrEqualTo(x => x.AbsentHours).When(x => x.AbsentHours is not null)
            .WithMessage("Unexplained hours are part of the absent hours.");
        RuleFor(x => x.Note).PlainText(Rules.ShortTextMax);
    }
}

public sealed class WelfareStatusValidator : AbstractValidator<WelfareStatusPayload>
{
    public WelfareStatusValidator()
    {
        RuleFor(x => x.Status).NotNull();
        RuleFor(x => x.Summary).PlainText(Rules.ShortTextMax);
    }
}
