package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import java.util.Objects;
import java.util.Optional;

/**
 * What one check found: a status, one line saying what, and for a warning or error the fix. An
 * error also carries the kind of failure it is, from which the exit code follows, as for any other
 * command.
 *
 * @param fix what to do about it; present for warnings and errors
 * @param kind what kind of failure an error is; present for errors only
 */
public record Verdict(
    Status status, String message, Optional<String> fix, Optional<AgentException.Kind> kind) {

  public Verdict {
    Objects.requireNonNull(message);
    if ((status == Status.ERROR) != kind.isPresent()) {
      throw new IllegalArgumentException("an error, and only an error, has a kind");
    }
    if ((status == Status.ERROR || status == Status.WARNING) && fix.isEmpty()) {
      throw new IllegalArgumentException("a warning or error needs its fix");
    }
  }

  public static Verdict ok(String message) {
    return new Verdict(Status.OK, message, Optional.empty(), Optional.empty());
  }

  public static Verdict warning(String message, String fix) {
    return new Verdict(Status.WARNING, message, Optional.of(fix), Optional.empty());
  }

  public static Verdict error(AgentException.Kind kind, String message, String fix) {
    return new Verdict(Status.ERROR, message, Optional.of(fix), Optional.of(kind));
  }

  public static Verdict skipped(String reason) {
    return new Verdict(Status.SKIPPED, reason, Optional.empty(), Optional.empty());
  }

  /** The worse of two verdicts (error over warning over ok); the first when they tie. */
  public Verdict worst(Verdict other) {
    return rank(other.status) > rank(status) ? other : this;
  }

  private static int rank(Status s) {
    return switch (s) {
      case OK, SKIPPED -> 0;
      case WARNING -> 1;
      case ERROR -> 2;
    };
  }
}
