package io.dpsagent.e2e;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Threads for the loopback test servers; as daemons, a server a test leaves open ends with it. */
final class DaemonThreads {

  private DaemonThreads() {}

  /** A cached pool of daemon threads named {@code name}. */
  static ExecutorService cachedPool(String name) {
    return Executors.newCachedThreadPool(
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          return thread;
        });
  }
}
