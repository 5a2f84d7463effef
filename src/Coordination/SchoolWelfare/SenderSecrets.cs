using System.Security.Cryptography;
using System.Text;

namespace Coordination.SchoolWelfare;

/// <summary>Configuration section <c>SchoolWelfare</c>.</summary>
public sealed class SchoolWelfareOptions
{
    public const string Section = "SchoolWelfare";

    /// <summary>
    /// Base64 AES-256 key (32 bytes) that encrypts the senders' shared secrets at rest. Required outside Development;
    /// in Development a key is generated once and kept in <see cref="DevelopmentKeyFile"/>.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Development only: where the generated key is kept, so that registered senders still verify after a restart.</summary>
    public string? DevelopmentKeyFile { get; set; }

    /// <summary>Retries in process, before the message is parked for the scheduled retries (back-off). Default 0.2 s, 1 s, 5 s.</summary>
    public TimeSpan[]? ImmediateRetries { get; set; }

    /// <summary>Retries scheduled in the durable inbox; after the last one fails the message is dead-lettered. Default 1 min, 10 min, 1 h.</summary>
    public TimeSpan[]? ScheduledRetries { get; set; }

    // Defaults apply only when nothing is configured: configuration binding adds to an array rather than replacing it.
    public IReadOnlyList<TimeSpan> RetriesInProcess => ImmediateRetries is { Length: > 0 } configured
        ? configured
        : [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    public IReadOnlyList<TimeSpan> RetriesScheduled => ScheduledRetries is { Length: > 0 } configured
        ? configured
        : [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];
}

/// <summary>
/// Encrypts and decrypts the senders' shared secrets (AES-256-GCM). Verifying an HMAC needs the secret itself, so the
/// secret cannot be stored as a one-way hash; it is stored encrypted under a key that lives in configuration, never in
/// the database. Each ciphertext names the key it was made with (a fingerprint), so a wrong key is reported as such.
/// </summary>
public sealed class SenderSecrets
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SenderSecrets(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new InvalidOperationException("SchoolWelfare:SecretKey must be 32 bytes (base64).");
        }
        _key = key;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key))[..12];
    }

    /// <summary>The key's fingerprint, stored beside each ciphertext.</summary>
    public string KeyId { get; }

    public EncryptedSecret Encrypt(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(KeyId));
        CryptographicOperations.ZeroMemory(plain);
        return new EncryptedSecret(KeyId, Convert.ToBase64String([.. nonce, .. tag, .. cipher]));
    }

    /// <summary>The secret's bytes, for computing an HMAC. The caller zeroes them after use.</summary>
    public byte[] Decrypt(EncryptedSecret secret)
    {
        if (secret.KeyId != KeyId)
        {
            throw new CryptographicException(
                $"A sender secret was encrypted under key {secret.KeyId}, but SchoolWelfare:SecretKey is key {KeyId}.");
        }
        var all = Convert.FromBase64String(secret.Ciphertext);
        var plain = new byte[all.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(all.AsSpan(0, NonceSize), all.AsSpan(NonceSize + TagSize), all.AsSpan(NonceSize, TagSize), plain,
            Encoding.UTF8.GetBytes(KeyId));
        return plain;
    }

    /// <summary>The configured key; outside Development its absence stops the service from starting.</summary>
    public static SenderSecrets FromConfiguration(SchoolWelfareOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.SecretKey))
        {
            return new SenderSecrets(Convert.FromBase64String(options.SecretKey));
        }
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "SchoolWelfare:SecretKey is not configured. Set it (base64, 32 bytes) from a secret store, e.g. the environment variable SchoolWelfare__SecretKey.");
        }
        return new SenderSecrets(DevelopmentKey(options.DevelopmentKeyFile ?? DefaultDevelopmentKeyFile()));
    }

    private static string DefaultDevelopmentKeyFile() =>
        Path.Combine(Path.GetDirectoryName(EmbeddedPostgres.EmbeddedPostgresOptions.DefaultDataDirectory())!, "school-welfare-dev.key");

    private static byte[] DevelopmentKey(string file)
    {
        if (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim());
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the key is for this user only
            }
            using var stream = new FileStream(file, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            return key;
        }
        catch (IOException) when (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim()); // another process made it first
        }
    }
}

public sealed record EncryptedSecret(string KeyId, string Ciphertext);

/// <summary>HMAC-SHA256 signatures as the contract defines them: <c>X-Signature: sha256=&lt;hex&gt;</c> over the raw body.</summary>
public static class Signatures
{
    public const string Prefix = "sha256=";

    public static string Sign(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    /// <summary>
    /// Whether <paramref name="header"/> is the signature of <paramref name="body"/> under <paramref name="secret"/>,
    /// compared in constant time. A header that is not <c>sha256=</c> and 64 hex digits is never valid.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || header.Length != Prefix.Length + 64 || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        Span<byte> claimed = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), claimed, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, claimed);
    }
}
