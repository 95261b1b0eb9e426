package io.dpsagent.agent.dps;

import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Carries the two device operations of DPS. Implementations translate to and from their wire format
 * (HTTPS requests, MQTT topics) and know nothing of retries or registration states; the {@link
 * RegistrationClient} owns those.
 *
 * <p>An {@link IOException} means the answer never arrived (refused, reset, timed out); the
 * transport itself says what it means ({@link #failure}), since only it knows what its exceptions
 * wrap, and the client retries what may clear with time.
 *
 * <p>Each call is given its {@code timeout}: the whole request (connect, TLS, proxy tunnel, answer)
 * is over within it. The client passes the smaller of the request timeout and what is left of the
 * run's time budget, so no request outlives the budget.
 */
public interface DpsTransport extends AutoCloseable {

  /** Starts (or restarts) the registration. */
  DpsResponse register(
      RegistrationRequest request, Optional<String> authorization, Duration timeout)
      throws IOException;

  /** Asks for the state of a registration operation. */
  DpsResponse poll(Operation operation, Optional<String> authorization, Duration timeout)
      throws IOException;

  /**
   * What {@code e}, thrown by {@link #register} or {@link #poll}, means: its kind (transient unless
   * known to be permanent) and the one line that tells the operator what to do.
   */
  AgentException failure(IOException e);

  /** Where this transport connects, for messages. */
  String describe();

  @Override
  void close();
}
