package io.dpsagent.agent.dps;

import java.util.Optional;

/**
 * The error body DPS sends with 4xx/5xx: {@code errorCode}, {@code trackingId}, {@code message}, as
 * {@link DpsMessages#errorBody} read it (the text fields escaped and cut short). Anything else (an
 * HTML page from a proxy, nothing at all) reads as an empty body.
 */
public record DpsErrorBody(
    Optional<Integer> errorCode, Optional<String> trackingId, Optional<String> message) {

  static final DpsErrorBody EMPTY =
      new DpsErrorBody(Optional.empty(), Optional.empty(), Optional.empty());

  /** "errorCode 401002: Unauthorized (tracking ID ...)" or "" when DPS said nothing useful. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    errorCode.ifPresent(c -> sb.append("errorCode ").append(c));
    message.ifPresent(m -> sb.append(sb.length() > 0 ? ": " : "").append(m));
    trackingId.ifPresent(t -> sb.append(" (tracking ID ").append(t).append(')'));
    return sb.toString();
  }
}
