using System.Runtime.InteropServices;

namespace Clay.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) as the normal end of a command that follows something until told to stop
/// (<c>worker stream</c>, <c>worker oplog --follow</c>): while the scope lives, the signal cancels
/// <see cref="Token"/> instead of killing the process, so the command can end cleanly with exit 0.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _registration;

    private CtrlC(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            _stop.Cancel();
        });
    }

    /// <summary>Cancelled by Ctrl-C or by the command's own token.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Starts handling Ctrl-C.</summary>
    public static CtrlC Handle(CancellationToken cancellationToken) => new(cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _registration.Dispose();
        _stop.Dispose();
    }
}
