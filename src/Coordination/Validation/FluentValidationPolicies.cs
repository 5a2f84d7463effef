using Coordination.Hosting;
using FluentValidation;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Configuration;
using Wolverine.Http;
using Wolverine.Http.CodeGen;
using Wolverine.Runtime.Handlers;

namespace Coordination.Validation;

/// <summary>
/// FluentValidation as Wolverine middleware. WolverineFx.FluentValidation is not on our registry (critter-stack guide E6),
/// so these two policies put a validator call in front of every chain whose request type has a validator.
/// </summary>
public static class FluentValidationMiddleware
{
    public static async Task ValidateMessage<T>(IValidator<T> validator, T message)
    {
        var result = await validator.ValidateAsync(message);
        if (!result.IsValid)
        {
            throw new ValidationException(result.Errors);
        }
    }

    public static async Task<IResult> ValidateRequest<T>(IValidator<T> validator, T request)
    {
        var result = await validator.ValidateAsync(request);
        return result.IsValid ? WolverineContinue.Result() : Results.Problem(Problems.Invalid(result.ToDictionary()));
    }
}

public sealed class FluentValidationHandlerPolicy : IHandlerPolicy
{
    public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            if (!container.RegistrationsFor(typeof(IValidator<>).MakeGenericType(chain.MessageType)).Any())
            {
                continue;
            }
            var method = typeof(FluentValidationMiddleware).GetMethod(nameof(FluentValidationMiddleware.ValidateMessage))!
                .MakeGenericMethod(chain.MessageType);
            chain.Middleware.Insert(0, new MethodCall(typeof(FluentValidationMiddleware), method));
        }
    }
}

public sealed class FluentValidationHttpPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.HasRequestType))
        {
            if (!container.RegistrationsFor(typeof(IValidator<>).MakeGenericType(chain.RequestType!)).Any())
            {
                continue;
            }
            var method = typeof(FluentValidationMiddleware).GetMethod(nameof(FluentValidationMiddleware.ValidateRequest))!
                .MakeGenericMethod(chain.RequestType!);
            var call = new MethodCall(typeof(FluentValidationMiddleware), method);
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
            chain.Metadata.ProducesValidationProblem(400);
        }
    }
}
