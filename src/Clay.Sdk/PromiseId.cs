namespace Clay.Sdk;

/// <summary>
/// The id of a promise a worker created (<see cref="WorkerContext.CreatePromise"/>): unique within the
/// worker. Together with the worker's name it is what the outside world needs to complete it.
/// </summary>
/// <param name="Value">The id as a number, as <c>clay worker promise complete</c> takes it.</param>
public readonly record struct PromiseId(long Value)
{
    /// <summary>The id as <c>clay worker promise complete</c> takes it.</summary>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
