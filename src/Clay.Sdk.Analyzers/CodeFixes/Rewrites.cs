using System.Linq;
using Clay.Sdk.Analyzers.Determinism;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Clay.Sdk.Analyzers.CodeFixes;

/// <summary>For each <see cref="FixKind"/>: the node to replace, its replacement, and the fix's title; null when no mechanical fix applies.</summary>
internal static class Rewrites
{
    public static (SyntaxNode Old, SyntaxNode New, string Title)? For(string kind, SyntaxNode node, SemanticModel model, string context) => kind switch
    {
        FixKind.DateTime => Replace(node, $"{context}.UtcNow().UtcDateTime", $"Use {context}.UtcNow() (UTC)"),
        FixKind.DateTimeToday => Replace(node, $"{context}.UtcNow().UtcDateTime.Date", $"Use {context}.UtcNow() (UTC)"),
        FixKind.DateTimeOffset => Replace(node, $"{context}.UtcNow()", $"Use {context}.UtcNow()"),
        FixKind.TickCount => Replace(node, $"((int)({context}.MonotonicNanoseconds() / 1_000_000))", $"Use {context}.MonotonicNanoseconds()"),
        FixKind.TickCount64 => Replace(node, $"({context}.MonotonicNanoseconds() / 1_000_000)", $"Use {context}.MonotonicNanoseconds()"),
        FixKind.NewGuid => node is InvocationExpressionSyntax ? Replace(node, $"{context}.NewGuid()", $"Use {context}.NewGuid()") : null,
        FixKind.Random => Random(node, context),
        FixKind.HttpClient => HttpClient(node, context),
        FixKind.Delay => Delay(node, model, context),
        FixKind.Sleep => Sleep(node, model, context),
        FixKind.EnvironmentVariable => node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } invocation
            ? Replace(node, $"{context}.Environment.GetValueOrDefault({invocation.ArgumentList.Arguments[0]})", $"Use {context}.Environment")
            : null,
        _ => null,
    };

    private static (SyntaxNode, SyntaxNode, string) Replace(SyntaxNode node, string expression, string title) =>
        (node, SyntaxFactory.ParseExpression(expression).WithTriviaFrom(node).WithAdditionalAnnotations(Simplifier.Annotation), title);

    /// <summary><c>Random.Shared.Next(…)</c> or <c>new Random().Next(…)</c>; other uses of a random generator have no direct equivalent.</summary>
    private static (SyntaxNode, SyntaxNode, string)? Random(SyntaxNode node, string context)
    {
        if (node.Parent is not MemberAccessExpressionSyntax access || access.Expression != node
            || access.Parent is not InvocationExpressionSyntax invocation) return null;
        var args = invocation.ArgumentList.Arguments.Select(a => a.ToString()).ToArray();
        var replacement = (access.Name.Identifier.Text, args.Length) switch
        {
            ("Next", 0) => $"{context}.NextRandom(int.MaxValue)",
            ("Next", 1) => $"{context}.NextRandom({args[0]})",
            ("Next", 2) => $"(({args[0]}) + {context}.NextRandom(({args[1]}) - ({args[0]})))",
            ("NextDouble", 0) => $"{context}.NextRandomDouble()",
            ("NextInt64", 0) => $"((long)({context}.NextRandom() >> 1))",
            _ => null,
        };
        return replacement is null ? null : Replace(invocation, replacement, $"Use {context}.NextRandom()");
    }

    /// <summary><c>new HttpClient()</c> → the context's client; a <c>using</c> declaration loses its <c>using</c>, as the context owns the client.</summary>
    private static (SyntaxNode, SyntaxNode, string)? HttpClient(SyntaxNode node, string context)
    {
        if (node is not BaseObjectCreationExpressionSyntax creation || creation.ArgumentList is { Arguments.Count: > 0 } || creation.Initializer is not null) return null;
        var title = $"Use {context}.Http";
        var http = SyntaxFactory.ParseExpression($"{context}.Http").WithTriviaFrom(node);
        if (node.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } })
        {
            if (declaration.Parent is UsingStatementSyntax) return null;
            if (declaration.Parent is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } local
                && local.UsingKeyword.IsKind(SyntaxKind.UsingKeyword))
            {
                var rewritten = local.ReplaceNode(node, http);
                var withoutUsing = rewritten.WithUsingKeyword(default).WithLeadingTrivia(local.GetLeadingTrivia());
                return (local, withoutUsing, title);
            }
        }
        return (node, http, title);
    }

    /// <summary><c>Task.Delay(ms or TimeSpan[, token])</c> → <c>context.SleepAsync(TimeSpan[, token])</c>.</summary>
    private static (SyntaxNode, SyntaxNode, string)? Delay(SyntaxNode node, SemanticModel model, string context)
    {
        if (node is not InvocationExpressionSyntax invocation) return null;
        var args = invocation.ArgumentList.Arguments;
        if (args.Count is 0 or > 2) return null;
        var duration = Duration(args[0].Expression, model);
        if (duration is null) return null;
        if (args.Count == 2 && model.GetTypeInfo(args[1].Expression).Type?.Name != "CancellationToken") return null;
        var rest = args.Count == 2 ? ", " + args[1] : "";
        return Replace(invocation, $"{context}.SleepAsync({duration}{rest})", $"Use {context}.SleepAsync");
    }

    /// <summary><c>Thread.Sleep(…);</c> in an async function → <c>await context.SleepAsync(…);</c>.</summary>
    private static (SyntaxNode, SyntaxNode, string)? Sleep(SyntaxNode node, SemanticModel model, string context)
    {
        if (node is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } invocation
            || invocation.ArgumentList.Arguments.Count != 1 || !InAsyncFunction(invocation)) return null;
        var duration = Duration(invocation.ArgumentList.Arguments[0].Expression, model);
        if (duration is null) return null;
        var sleep = SyntaxFactory.AwaitExpression(SyntaxFactory.ParseExpression($"{context}.SleepAsync({duration})"))
            .WithTriviaFrom(invocation).WithAdditionalAnnotations(Simplifier.Annotation);
        return (invocation, sleep, $"Use await {context}.SleepAsync");
    }

    private static string? Duration(ExpressionSyntax expression, SemanticModel model) =>
        model.GetTypeInfo(expression).ConvertedType switch
        {
            { Name: "TimeSpan" } => expression.ToString(),
            { SpecialType: SpecialType.System_Int32 } =>
                $"{(Imports.Binds(model, expression.SpanStart, "TimeSpan", "System") ? "" : "System.")}TimeSpan.FromMilliseconds({expression})",
            _ => null,
        };

    private static bool InAsyncFunction(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
            }
        }
        return false;
    }
}
