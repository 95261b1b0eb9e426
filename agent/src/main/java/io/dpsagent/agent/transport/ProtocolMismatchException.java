package io.dpsagent.agent.transport;

import java.io.IOException;

/**
 * The endpoint answered, in another protocol than the configured transport (an HTTPS port given to
 * an MQTT transport, or the reverse). Retrying cannot help; the message says what to change.
 */
public final class ProtocolMismatchException extends IOException {

  public ProtocolMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
