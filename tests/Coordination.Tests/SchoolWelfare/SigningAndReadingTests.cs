using System.Security.Cryptography;
using System.Text;
using Coordination.Access;
using Coordination.Identity;
using Coordination.SchoolWelfare;

namespace Coordination.Tests.SchoolWelfare;

public sealed class SigningAndReadingTests
{
    /// <summary>The worked example of docs/integration/school-welfare.md, its signature computed with openssl.</summary>
    private const string ExampleSecret = "hervanta-example-secret-0123456789abcdef";
    private const string ExampleSignature = "sha256=5a7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df1";

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(2));

    private static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    private static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(Repo(), "docs", "integration", "examples", name));

    [Fact]
    public void The_guides_worked_example_verifies_and_its_documented_signature_is_in_the_guide()
    {
        var body = Example("welfare-concern.json");
        Assert.Equal(ExampleSignature, Signatures.Sign(Encoding.UTF8.GetBytes(ExampleSecret), body));
        Assert.True(Signatures.Matches(Encoding.UTF8.GetBytes(ExampleSecret), body, ExampleSignature));
        var guide = File.ReadAllText(Path.Combine(Repo(), "docs", "integration", "school-welfare.md"));
        Assert.Contains(ExampleSignature, guide, StringComparison.Ordinal);
        Assert.Contains(ExampleSecret, guide, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("welfare-concern.json", SchoolMessageType.WelfareConcern)]
    [InlineData("expert-group-meeting.json", SchoolMessageType.ExpertGroupMeeting)]
    [InlineData("absence-alert.json", SchoolMessageType.AbsenceAlert)]
    [InlineData("welfare-status.json", SchoolMessageType.WelfareStatus)]
    public void Every_example_in_the_guide_is_a_valid_message(string file, SchoolMessageType type)
    {
        var parsed = SchoolMessages.Parse(Example(file), Now);
        Assert.Null(parsed.Problem);
        Assert.Equal(type, parsed.Message!.Type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=5a7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df1")]
    [InlineData("sha256=5a7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df")]
    [InlineData("sha256=5a7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df10")]
    [InlineData("sha256=5a7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df2")]
    [InlineData("sha256=zz7724c5e2a0dbec6e88e5a48700d61e10dd71988854d50e26817ab460ae1df1")]
    public void Anything_but_the_exact_signature_does_not_match(string? header) =>
        Assert.False(Signatures.Matches(Encoding.UTF8.GetBytes(ExampleSecret), Example("welfare-concern.json"), header));

    [Fact]
    public void One_changed_byte_of_the_body_breaks_the_signature()
    {
        var body = Example("welfare-concern.json");
        body[^3] ^= 1;
        Assert.False(Signatures.Matches(Encoding.UTF8.GetBytes(ExampleSecret), body, ExampleSignature));
    }

    private static byte[] WithField(string name, string json)
    {
        var message = System.Text.Json.Nodes.JsonNode.Parse(Example("welfare-concern.json"))!.AsObject();
        message[name] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return Encoding.UTF8.GetBytes(message.ToJsonString());
    }

    [Theory]
    [InlineData("schemaVersion", "\"2.0\"", "unsupported-schema-version", "schemaVersion")]
    [InlineData("type", "\"grade-report\"", "unknown-message-type", "type")]
    [InlineData("sentAt", "\"2026-11-23T11:00:00+02:00\"", "invalid-request", "sentAt")]
    [InlineData("legalBasis", "\"because\"", "invalid-request", "legalBasis")]
    [InlineData("legalBasis", "null", "invalid-request", "legalBasis")]
    [InlineData("payload", "null", "invalid-request", "payload")]
    [InlineData("payload", "{\"description\":\"x\",\"grade\":9}", "unknown-field", "payload.grade")]
    [InlineData("payload", "{\"reporterRole\":\"kuraattori\"}", "invalid-request", "payload.description")]
    [InlineData("payload", "[1,2]", "invalid-request", "payload")]
    [InlineData("messageId", "\"has spaces\"", "invalid-request", "messageId")]
    public void A_message_the_service_cannot_read_is_refused_naming_the_field(string field, string json, string problem, string errorKey)
    {
        var parsed = SchoolMessages.Parse(WithField(field, json), Now);
        Assert.Null(parsed.Message);
        Assert.Equal($"https://coordination.example/problems/{problem}", parsed.Problem!.Type);
        Assert.True(parsed.Problem is Microsoft.AspNetCore.Http.HttpValidationProblemDetails v && v.Errors.ContainsKey(errorKey),
            $"{errorKey} not among the errors of {parsed.Problem.Title}");
    }

    [Fact]
    public void A_refused_message_that_names_a_valid_id_keeps_it_so_its_rejection_can_be_looked_up()
    {
        Assert.Equal("hervanta-2026-000123", SchoolMessages.Parse(WithField("schemaVersion", "\"9.9\""), Now).MessageId);
        Assert.Null(SchoolMessages.Parse(WithField("messageId", "\"bad id\""), Now).MessageId);
        Assert.Null(SchoolMessages.Parse("{not json"u8.ToArray(), Now).MessageId);
    }

    [Fact]
    public void Secrets_are_stored_encrypted_under_a_named_key_and_another_key_cannot_read_them()
    {
        var key = new SenderSecrets(RandomNumberGenerator.GetBytes(32));
        var stored = key.Encrypt(ExampleSecret);
        Assert.DoesNotContain(ExampleSecret, stored.Ciphertext, StringComparison.Ordinal);
        Assert.NotEqual(stored.Ciphertext, key.Encrypt(ExampleSecret).Ciphertext); // a fresh nonce each time
        Assert.Equal(ExampleSecret, Encoding.UTF8.GetString(key.Decrypt(stored)));

        var other = new SenderSecrets(RandomNumberGenerator.GetBytes(32));
        Assert.Throws<CryptographicException>(() => other.Decrypt(stored));
        var tampered = stored with { Ciphertext = Convert.ToBase64String(Convert.FromBase64String(stored.Ciphertext).Select((b, i) => i == 20 ? (byte)(b ^ 1) : b).ToArray()) };
        Assert.ThrowsAny<CryptographicException>(() => key.Decrypt(tampered));
    }
}
