package io.dpsagent.agent.dps;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.hsm.Printable;
import java.util.Optional;

/**
 * The error body DPS sends with 4xx/5xx: {@code errorCode}, {@code trackingId}, {@code message}.
 * Anything else (an HTML page from a proxy, nothing at all) is summarised, not echoed in full.
 */
public record DpsError(
    Optional<Integer> errorCode, Optional<String> trackingId, Optional<String> message) {

  private static final int MAX_MESSAGE = 200;
  private static final int MAX_TRACKING_ID = 64;

  public static DpsError parse(String body) {
    try {
      JsonNode root = OperationStatus.readObject(body);
      return new DpsError(
          root.path("errorCode").canConvertToInt() && root.path("errorCode").isNumber()
              ? Optional.of(root.get("errorCode").intValue())
              : Optional.empty(),
          OperationStatus.text(root, "trackingId").map(t -> Printable.escape(t, MAX_TRACKING_ID)),
          OperationStatus.text(root, "message").map(DpsError::shorten));
    } catch (MalformedResponseException e) {
      return new DpsError(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * The TPM activation blob of a 401 nonce challenge ({@code authenticationKey}), if the body has
   * one.
   */
  public static Optional<String> authenticationKey(String body) {
    try {
      return OperationStatus.text(OperationStatus.readObject(body), "authenticationKey");
    } catch (MalformedResponseException e) {
      return Optional.empty();
    }
  }

  /** "errorCode 401002: Unauthorized (tracking ID ...)" or "" when DPS said nothing useful. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    errorCode.ifPresent(c -> sb.append("errorCode ").append(c));
    message.ifPresent(m -> sb.append(sb.length() > 0 ? ": " : "").append(m));
    trackingId.ifPresent(t -> sb.append(" (tracking ID ").append(t).append(')'));
    return sb.toString();
  }

  private static String shorten(String text) {
    return Printable.escape(text.replaceAll("[\\r\\n\\t]+", " "), MAX_MESSAGE);
  }
}
