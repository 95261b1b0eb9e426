package io.dpsagent.agent.daemon;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells a waiting daemon to stop: SIGTERM through a shutdown hook, or a test. */
public final class StopSignal {

  private final CountDownLatch stopped = new CountDownLatch(1);

  public void stop() {
    stopped.countDown();
  }

  /** Waits up to {@code timeout}; true when stop was asked for. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isStopped() {
    return stopped.getCount() == 0;
  }
}
