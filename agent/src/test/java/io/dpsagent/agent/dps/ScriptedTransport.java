package io.dpsagent.agent.dps;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.transport.ConnectionFailures;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A transport for tests of the registration logic: both operations go to one function, named {@code
 * register} or {@code poll <operationId>}, and I/O failures mean what they mean to the real
 * transports.
 */
final class ScriptedTransport implements DpsTransport {

  /** The answer to one call, or the I/O failure it ends in. */
  @FunctionalInterface
  interface Answers {
    DpsResponse answer(String call, Optional<String> authorization, Duration timeout)
        throws IOException;
  }

  private final Answers answers;

  ScriptedTransport(Answers answers) {
    this.answers = answers;
  }

  @Override
  public DpsResponse register(
      RegistrationRequest request, Optional<String> authorization, Duration timeout)
      throws IOException {
    return answers.answer("register", authorization, timeout);
  }

  @Override
  public DpsResponse poll(Operation operation, Optional<String> authorization, Duration timeout)
      throws IOException {
    return answers.answer("poll " + operation.id(), authorization, timeout);
  }

  @Override
  public AgentException failure(IOException e) {
    return ConnectionFailures.classify(e, describe());
  }

  @Override
  public String describe() {
    return "https://dps.example";
  }

  @Override
  public void close() {}
}
