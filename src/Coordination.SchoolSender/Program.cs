using System.Text;
using Coordination.SchoolSender;

// Usage (the secret comes from an environment variable, never from the command line, where it would show in `ps`):
//   SCHOOL_WELFARE_SECRET=... dotnet run --project src/Coordination.SchoolSender -- send <baseUrl> <senderId> <message.json>
//   SCHOOL_WELFARE_SECRET=... dotnet run --project src/Coordination.SchoolSender -- status <baseUrl> <senderId> <messageId>
//   SCHOOL_WELFARE_SECRET=... dotnet run --project src/Coordination.SchoolSender -- sign <message.json>
const string SecretVariable = "SCHOOL_WELFARE_SECRET";

var secret = Environment.GetEnvironmentVariable(SecretVariable);
if (string.IsNullOrEmpty(secret))
{
    await Console.Error.WriteLineAsync($"Set {SecretVariable} to the sender's shared secret.");
    return 2;
}

switch (args)
{
    case ["sign", var file]:
        Console.WriteLine(SchoolWelfareSender.Sign(Encoding.UTF8.GetBytes(secret), await File.ReadAllBytesAsync(file)));
        return 0;
    case ["send", var baseUrl, var senderId, var file]:
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var sender = new SchoolWelfareSender(http, senderId, secret);
        using var response = await sender.SendAsync(await File.ReadAllBytesAsync(file));
        return await Report(response);
    }
    case ["status", var baseUrl, var senderId, var messageId]:
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var sender = new SchoolWelfareSender(http, senderId, secret);
        using var response = await sender.GetStatusAsync(messageId, DateTimeOffset.UtcNow);
        return await Report(response);
    }
    default:
        await Console.Error.WriteLineAsync("Usage: send <baseUrl> <senderId> <message.json> | status <baseUrl> <senderId> <messageId> | sign <message.json>");
        return 2;
}

static async Task<int> Report(HttpResponseMessage response)
{
    Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
    Console.WriteLine(await response.Content.ReadAsStringAsync());
    return response.IsSuccessStatusCode ? 0 : 1;
}
