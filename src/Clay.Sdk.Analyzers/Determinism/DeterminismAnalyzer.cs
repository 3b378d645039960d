using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Clay.Sdk.Analyzers.Determinism;

/// <summary>
/// Flags code in a component project that would make a worker behave differently when it is
/// rebuilt by replay: clocks, random numbers, GUIDs, HTTP and sockets, threads and the thread pool,
/// timers, non-durable waits, file access, static mutable state and <c>ConfigureAwait(false)</c>.
/// Each diagnostic names the <c>WorkerContext</c> member to use instead.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DeterminismRules.DateTimeNow, DeterminismRules.DateTimeOffsetNow, DeterminismRules.Stopwatch, DeterminismRules.TickCount,
        DeterminismRules.Random, DeterminismRules.NewGuid, DeterminismRules.HttpClient, DeterminismRules.TaskRun,
        DeterminismRules.Thread, DeterminismRules.Parallel, DeterminismRules.TaskDelay, DeterminismRules.ThreadSleep,
        DeterminismRules.FileIo, DeterminismRules.Network, DeterminismRules.StaticState, DeterminismRules.ConfigureAwaitFalse,
        DeterminismRules.EnvironmentVariable,
    ];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            if (compilation.GetTypeByMetadataName(WorkerScope.WorkerAttribute) is not { } workerAttribute
                || compilation.GetTypeByMetadataName(WorkerScope.WorkerContext) is not { } workerContext
                || !WorkerScope.DeclaresWorker(compilation, workerAttribute))
            {
                return;
            }
            var banned = BannedApis.Create(compilation);
            var awaitables = AwaitableTypes(compilation);
            start.RegisterOperationAction(c => OnMember(c, ((IPropertyReferenceOperation)c.Operation).Property, banned, workerContext), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => OnMember(c, ((IMethodReferenceOperation)c.Operation).Method, banned, workerContext), OperationKind.MethodReference);
            start.RegisterOperationAction(c => OnInvocation(c, banned, awaitables, workerContext), OperationKind.Invocation);
            start.RegisterOperationAction(c => OnCreation(c, banned, workerContext), OperationKind.ObjectCreation);
            start.RegisterSymbolAction(StaticState.AnalyzeField, SymbolKind.Field);
            start.RegisterSymbolAction(StaticState.AnalyzeProperty, SymbolKind.Property);
        });
    }

    private static void OnInvocation(OperationAnalysisContext context, BannedApis banned, ImmutableHashSet<INamedTypeSymbol> awaitables, INamedTypeSymbol workerContext)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "ConfigureAwait")
        {
            if (awaitables.Contains(method.ContainingType.OriginalDefinition) && PassesFalse(invocation) && !WorkerScope.IsInsideEffect(invocation, workerContext))
            {
                Report(context, DeterminismRules.ConfigureAwaitFalse, FixKind.ConfigureAwait, invocation.Syntax.GetLocation(), "ConfigureAwait(false)");
            }
            return;
        }
        OnMember(context, method, banned, workerContext);
    }

    private static void OnMember(OperationAnalysisContext context, ISymbol member, BannedApis banned, INamedTypeSymbol workerContext)
    {
        if (banned.ForMember(member) is not { } ban || WorkerScope.IsInsideEffect(context.Operation, workerContext)) return;
        Report(context, ban.Rule, ban.Fix, context.Operation.Syntax.GetLocation(), $"{member.ContainingType.Name}.{member.Name}");
    }

    private static void OnCreation(OperationAnalysisContext context, BannedApis banned, INamedTypeSymbol workerContext)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol type || banned.ForCreation(type, creation.Constructor) is not { } ban) return;
        if (WorkerScope.IsInsideEffect(creation, workerContext)) return;
        Report(context, ban.Rule, ban.Fix, creation.Syntax.GetLocation(), $"new {type.Name}");
    }

    private static void Report(OperationAnalysisContext context, DiagnosticDescriptor rule, string? fix, Location location, string what)
    {
        var properties = fix is null ? ImmutableDictionary<string, string?>.Empty : ImmutableDictionary<string, string?>.Empty.Add(FixKind.Property, fix);
        context.ReportDiagnostic(Diagnostic.Create(rule, location, properties, what));
    }

    private static bool PassesFalse(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Type.SpecialType == SpecialType.System_Boolean
                && argument.Value.ConstantValue is { HasValue: true, Value: false })
            {
                return true;
            }
        }
        return false;
    }

    private static ImmutableHashSet<INamedTypeSymbol> AwaitableTypes(Compilation compilation)
    {
        var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var name in new[]
                 {
                     "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask",
                     "System.Threading.Tasks.ValueTask`1", "System.Threading.Tasks.TaskAsyncEnumerableExtensions",
                 })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type) builder.Add(type);
        }
        return builder.ToImmutable();
    }
}
