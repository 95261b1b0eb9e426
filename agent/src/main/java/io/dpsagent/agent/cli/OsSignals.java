package io.dpsagent.agent.cli;

import io.dpsagent.agent.daemon.Signals;
import sun.misc.Signal;

/**
 * Turns the process signals an operator or systemd sends into {@link Signals} requests. Handling
 * SIGTERM ourselves (instead of the JVM's shutdown hooks) is what lets {@code systemctl stop} end
 * the daemon with exit code 0; SIGHUP would otherwise kill the JVM instead of reloading.
 */
final class OsSignals {

  private OsSignals() {}

  /**
   * Installs the handlers. {@code afterStop} runs on its own thread after the first stop, to end
   * the process if the command does not finish in time.
   */
  static void install(Signals signals, Runnable afterStop) {
    Runnable stop =
        () -> {
          if (!signals.isStopped()) {
            signals.stop();
            Thread deadline = new Thread(afterStop, "dps-agent-stop-deadline");
            deadline.setDaemon(true);
            deadline.start();
          }
        };
    handle("TERM", stop);
    handle("INT", stop);
    handle("HUP", signals::requestReload);
    handle("USR1", signals::requestReprovision);
  }

  private static void handle(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), signal -> action.run());
    } catch (IllegalArgumentException e) {
      // The signal is reserved by this JVM (e.g. with -Xrs): keep its default behaviour.
    }
  }
}
