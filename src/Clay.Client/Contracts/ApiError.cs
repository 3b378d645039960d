namespace Clay.Client.Contracts;

/// <summary>An error the API reports, with its stable code.</summary>
/// <param name="Code">Stable, kebab-case code, for example <c>worker-not-found</c>.</param>
/// <param name="Message">One line naming the problem.</param>
public sealed record ApiError(string Code, string Message);
