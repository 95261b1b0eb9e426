package io.dpsagent.agent.daemon;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the operator asked of a running command: stop (SIGTERM, SIGINT), reload the configuration
 * (SIGHUP) or register again ({@code dps-agent reprovision}, SIGUSR1). Tests raise them directly. A
 * stop outranks everything and stays; reload and reprovision requests are taken once each.
 */
public final class Signals {

  /** Why a wait ended. */
  public enum Wake {
    TIMEOUT,
    STOP,
    RELOAD,
    REPROVISION,
    /** Not a request: the issued certificate's renewal is due (serving's own deadline). */
    RENEWAL_DUE,
    /** Not a request: time to serve on from a fresh JVM ({@link LeanRestart}). */
    RESTART_DUE
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean stopped;
  private boolean reload;
  private boolean reprovision;

  public void stop() {
    raise(() -> stopped = true);
  }

  public void requestReload() {
    raise(() -> reload = true);
  }

  public void requestReprovision() {
    raise(() -> reprovision = true);
  }

  private void raise(Runnable flag) {
    lock.lock();
    try {
      flag.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} for a request and takes it; {@code TIMEOUT} when none came. */
  public Wake await(Duration timeout) throws InterruptedException {
    long nanos = Math.max(0, timeout.toNanos());
    lock.lock();
    try {
      while (true) {
        Wake wake = take();
        if (wake != Wake.TIMEOUT || nanos <= 0) {
          return wake;
        }
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  private Wake take() {
    if (stopped) {
      return Wake.STOP;
    }
    if (reload) {
      reload = false;
      return Wake.RELOAD;
    }
    if (reprovision) {
      reprovision = false;
      return Wake.REPROVISION;
    }
    return Wake.TIMEOUT;
  }

  /**
   * Waits up to {@code timeout} for a stop only; other requests stay pending. True when stopped.
   */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    long nanos = Math.max(0, timeout.toNanos());
    lock.lock();
    try {
      while (!stopped && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  /** True when a request waits to be taken, or a stop was asked for. */
  public boolean anyPending() {
    lock.lock();
    try {
      return stopped || reload || reprovision;
    } finally {
      lock.unlock();
    }
  }

  public boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  /** Sleeps like {@link Thread#sleep} but ends early, by interruption, when a stop is asked for. */
  public void sleepUnlessStopped(Duration duration) throws InterruptedException {
    if (awaitStop(duration)) {
      throw new InterruptedException("stop requested");
    }
  }
}
