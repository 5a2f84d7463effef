using System.Security.Cryptography;
using System.Text;
using Coordination.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Hosting;

/// <summary>Configuration section <c>Auth</c>: how bearer tokens are validated.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public string Issuer { get; set; } = "coordination";
    public string Audience { get; set; } = "coordination-api";
    /// <summary>Base64 HMAC-SHA256 key, at least 32 bytes. Required outside Development.</summary>
    public string? SigningKey { get; set; }
}

public static class Authentication
{
    public static void ConfigureAuthentication(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var key = SigningKey(options, builder.Environment);
        builder.Services.AddSingleton(new TokenSigning(options.Issuer, options.Audience, key));
        builder.Services.AddSingleton<ProfessionalDirectory>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = Claims.Name,
                    RoleClaimType = Claims.Role,
                };
                jwt.Events = new JwtBearerEvents
                {
                    // A token whose claims do not describe a professional the contract knows is no token.
                    OnTokenValidated = async context =>
                    {
                        if (Professional.FromClaims(context.Principal!) is not { } professional)
                        {
                            context.Fail("The token lacks sub, name, org or agency, or has an unknown agency or role.");
                            return;
                        }
                        // Who signed in, as their token says: how a conclusion knows it names a social worker (docs/sharing.md §6).
                        await context.HttpContext.RequestServices.GetRequiredService<ProfessionalDirectory>()
                            .SeenAsync(professional, context.HttpContext.RequestAborted);
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        await Problems.Write(context.HttpContext, Problems.Unauthorized());
                    },
                    OnForbidden = context => Problems.Write(context.HttpContext, Problems.Forbidden("Your role may not do this.")),
                };
            });

        // Deny by default: every endpoint needs an authenticated professional unless it says otherwise.
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private static SymmetricSecurityKey SigningKey(AuthOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var bytes = Convert.FromBase64String(options.SigningKey);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64).");
            }
            return new SymmetricSecurityKey(bytes);
        }
        if (environment.IsDevelopment())
        {
            // Development: a fresh key per process; /dev/tokens issues tokens signed with it.
            return new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        }
        throw new InvalidOperationException(
            "Auth:SigningKey is not configured. Set it (base64, 32 bytes or more) from a secret store, e.g. the environment variable Auth__SigningKey.");
    }
}

/// <summary>What issuing a token needs; used by /dev/tokens and by tests.</summary>
public sealed record TokenSigning(string Issuer, string Audience, SymmetricSecurityKey Key)
{
    public string Issue(string sub, string name, string org, string agency, IEnumerable<string> roles, TimeSpan lifetime,
        DateTimeOffset now)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [Claims.Subject] = sub,
                [Claims.Name] = name,
                [Claims.Organisation] = org,
                [Claims.Agency] = agency,
                [Claims.Role] = roles.ToArray(),
            },
        };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(descriptor);
    }

}
