package io.dpsagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code [hub]} section: whether and how the agent proves its assignment by connecting to the
 * assigned IoT hub with the new credential.
 *
 * @param verify the configured switch; empty means the command's default ({@link #verifies})
 * @param port the hub's MQTT-over-TLS port (8883 on IoT Hub)
 * @param caFile a PEM bundle trusted for the hub beside the JDK's trust store (a local emulator's
 *     CA)
 * @param timeout how long one verification may take: connect, TLS, CONNACK and the twin
 */
public record HubConfig(
    Optional<Boolean> verify, int port, Optional<Path> caFile, Duration timeout) {

  public static final int DEFAULT_PORT = 8883;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  /** No {@code [hub]} section: each command's default, IoT Hub's port, the JDK's trust. */
  public static HubConfig defaults() {
    return new HubConfig(Optional.empty(), DEFAULT_PORT, Optional.empty(), DEFAULT_TIMEOUT);
  }

  /**
   * Whether to verify: as configured, else on for the daemon (which can act on a rejection) and off
   * for one-shot commands (a factory line may have no route to the hub).
   */
  public boolean verifies(boolean daemon) {
    return verify.orElse(daemon);
  }
}
