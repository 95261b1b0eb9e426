package io.dpsagent.emulator.device;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * One injected failure, written the same way in the config file and the service API: {@code "503"},
 * {@code "429:2"} (a status with {@code Retry-After: 2}), {@code "delay:500"} (answered 500 ms
 * late), {@code "reset"}, {@code "truncated"}, {@code "malformed"}, {@code "wrong_operation_id"},
 * {@code "no_reply"}, and {@code "ok"} (no failure: a placeholder in scripts).
 *
 * <p>A status fault answers in place of the emulator; every other fault lets the request take
 * effect and then spoils its answer, as a network or a proxy does after the server acted.
 */
public record Fault(Type type, int status, OptionalInt retryAfterSeconds, Duration delay) {

  private static final String SYNTAX =
      "must be a status 400..599 (\"503\", \"429:2\" with Retry-After), \"delay:MS\", \"reset\","
          + " \"truncated\", \"malformed\", \"wrong_operation_id\", \"no_reply\" or \"ok\"";
  private static final int MAX_DELAY_MS = 600_000;

  /** What the fault does to the request. */
  public enum Type {
    /** No failure. */
    OK("ok"),
    /** An error status instead of the emulator's answer. */
    STATUS(""),
    /** The answer, late. */
    DELAY("delay"),
    /** The connection is cut in the middle of the answer (HTTPS) or instead of it (MQTT). */
    RESET("reset"),
    /** The answer with its JSON body cut in half (and a Content-Length that matches). */
    TRUNCATED("truncated"),
    /** The answer's status and headers with a body that is not JSON (a proxy's error page). */
    MALFORMED("malformed"),
    /** The answer with an {@code operationId} the emulator never issued. */
    WRONG_OPERATION_ID("wrong_operation_id"),
    /** No answer at all; the connection stays open. */
    NO_REPLY("no_reply");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }
  }

  public static final Fault OK = new Fault(Type.OK, 0, OptionalInt.empty(), Duration.ZERO);

  public Fault {
    if (type == Type.STATUS && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("fault status must be 4xx or 5xx: " + status);
    }
    if (retryAfterSeconds.isPresent() && retryAfterSeconds.getAsInt() < 0) {
      throw new IllegalArgumentException("retry-after is negative");
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay is negative");
    }
  }

  /** An error status, with a {@code Retry-After} when given. */
  public static Fault status(int status, OptionalInt retryAfterSeconds) {
    return new Fault(Type.STATUS, status, retryAfterSeconds, Duration.ZERO);
  }

  /** A fault without parameters ({@code reset}, {@code truncated}, ...). */
  public static Fault of(Type type) {
    if (type == Type.STATUS || type == Type.DELAY) {
      throw new IllegalArgumentException(type + " takes a parameter");
    }
    return new Fault(type, 0, OptionalInt.empty(), Duration.ZERO);
  }

  public static Fault delay(Duration delay) {
    return new Fault(Type.DELAY, 0, OptionalInt.empty(), delay);
  }

  /**
   * Reads the written form.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Fault parse(String text) {
    String written = text.strip().toLowerCase(Locale.ROOT);
    int colon = written.indexOf(':');
    String name = colon < 0 ? written : written.substring(0, colon);
    String parameter = colon < 0 ? null : written.substring(colon + 1);
    if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
      int status = number(name, 400, 599);
      OptionalInt retryAfter =
          parameter == null ? OptionalInt.empty() : OptionalInt.of(number(parameter, 0, 3600));
      return status(status, retryAfter);
    }
    if (name.equals(Type.DELAY.wireName)) {
      if (parameter == null) {
        throw new IllegalArgumentException("delay needs milliseconds, e.g. \"delay:500\"");
      }
      return delay(Duration.ofMillis(number(parameter, 0, MAX_DELAY_MS)));
    }
    for (Type type : Type.values()) {
      boolean plain = type != Type.STATUS && type != Type.DELAY;
      if (plain && type.wireName.equals(name) && parameter == null) {
        return of(type);
      }
    }
    throw new IllegalArgumentException(SYNTAX);
  }

  // The text is not repeated in messages: config values are never echoed.
  private static int number(String digits, int min, int max) {
    try {
      int value = Integer.parseInt(digits);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(SYNTAX);
  }

  /** True when the fault answers instead of the emulator, so the request never takes effect. */
  public boolean replacesAnswer() {
    return type == Type.STATUS;
  }

  /** The written form, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return switch (type) {
      case STATUS ->
          status + (retryAfterSeconds.isPresent() ? ":" + retryAfterSeconds.getAsInt() : "");
      case DELAY -> "delay:" + delay.toMillis();
      default -> type.wireName;
    };
  }
}
