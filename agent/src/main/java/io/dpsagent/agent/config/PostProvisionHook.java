package io.dpsagent.agent.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code [output.post_provision_hook]}: a program run after each new set of outputs is written (for
 * example to restart the application). It gets an argv, never a shell, and an environment with the
 * hub and device ID but no secrets.
 *
 * @param command the absolute path of the program and its arguments
 * @param timeout how long it may run before it is killed
 */
public record PostProvisionHook(List<String> command, Duration timeout) {

  public PostProvisionHook {
    command = List.copyOf(command);
  }
}
