package io.dpsagent.agent;

/**
 * A failure that ends a command, with the exit code the CLI contract gives it.
 *
 * <p>The message is the one line the operator sees: it names the file, key or endpoint and, where
 * there is one, the fix. It never carries secrets.
 */
public class AgentException extends Exception {

  private final ExitCode exitCode;

  public AgentException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public AgentException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static AgentException config(String message) {
    return new AgentException(ExitCode.CONFIG, message);
  }
}
