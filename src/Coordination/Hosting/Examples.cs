namespace Coordination.Hosting;

/// <summary>
/// The request bodies of the README's walkthrough, one per step, as the OpenAPI document shows them (each type's
/// <see cref="BodyExampleAttribute"/>): the /docs page's "Try it out" starts from these. Api/TheDocument checks that the
/// README's bodies are these (ids aside) and drives the walkthrough with them against the real service, so neither goes
/// stale. Times are Helsinki times with their offset; ids are placeholders a client replaces with its own.
/// </summary>
public static class Examples
{
    public const string DevToken =
        """{"sub":"sw-1","name":"Sanna Sosiaalityöntekijä","org":"county-pirkanmaa","agency":"social-work","roles":["caseworker","responsible-social-worker"]}""";

    public const string RegisterFamily =
        """{"children":[{"personId":"010516B902W","name":"Aino","birthDate":"2016-05-01"}],"guardians":[{"personId":"010594Y9021","name":"Maria","relation":"mother"}],"municipality":"Tampere","languages":["fi"]}""";

    public const string RaiseConcern =
        """{"childIds":["3f6c1a52-5b7e-4f0a-9a43-7c1d2e8b9f10"],"kind":"child-welfare-notification","receivedAt":"2026-11-30T09:15:00+02:00","source":{"agency":"school-welfare","organisation":"Tampere","reporterRole":"teacher","anonymous":false},"description":"Repeated absences; the child says there is no food at home.","suspectedOffence":"none","policeReported":false}""";

    public const string AssessUrgency =
        """{"urgent":false,"assessedAt":"2026-11-30T11:00:00+02:00","reasoning":"No immediate danger; the school follows attendance."}""";

    public const string DecideOnConcern =
        """{"decision":"start-assessment","decidedAt":"2026-12-01T10:00:00+02:00","childAndGuardianInformedAt":"2026-12-01T10:30:00+02:00"}""";

    public const string InviteAgency =
        """{"agency":"family-work","question":"How does the family manage day to day?","respondBy":"2026-12-15"}""";

    public const string RecordContribution =
        """{"invitationId":"9b2d7e41-0c3a-4d5e-8f61-2a7b9c0d1e23","childIds":["3f6c1a52-5b7e-4f0a-9a43-7c1d2e8b9f10"],"summary":"Seen twice at home; the mother is exhausted.","observations":"Kitchen empty on both visits.","category":"general","legalBasis":"atl-64"}""";

    public const string RecordChildHearing =
        """{"childId":"3f6c1a52-5b7e-4f0a-9a43-7c1d2e8b9f10","heardAt":"2026-12-01T14:00:00+02:00","method":"in-person","views":"Wants to stay at home and go to school."}""";

    public const string ConcludeAssessment =
        """{"outcome":"social-welfare-services","summary":"Family work at home twice a week; school follows attendance.","clientOpinion":"The mother agrees to family work.","namedWorkerNeeded":false,"concludedAt":"2026-12-01T16:00:00+02:00"}""";
}

/// <summary>The example body the OpenAPI document gives for this request type: JSON, one of <see cref="Examples"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BodyExampleAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}
