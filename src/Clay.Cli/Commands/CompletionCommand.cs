using System.CommandLine;

namespace Clay.Cli.Commands;

/// <summary><c>clay completion bash|zsh</c>: prints a script that completes clay's commands and options.</summary>
public static class CompletionCommand
{
    /// <summary>The <c>completion</c> command.</summary>
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: eval \"$(clay completion bash)\"") { shell };
        command.SetAction(result =>
        {
            // Both shells ask clay itself through the [suggest] directive, so completions follow the commands.
            CliConsole.Out.Write(result.GetValue(shell) == "zsh" ? Zsh : Bash);
            return 0;
        });
        return command;
    }

    private const string Bash = """
        _clay_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(clay "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _clay_complete clay

        """;

    private const string Zsh = """
        _clay_complete() {
          local -a completions
          completions=("${(@f)$(clay "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
          compadd -a completions
        }
        compdef _clay_complete clay

        """;
}
