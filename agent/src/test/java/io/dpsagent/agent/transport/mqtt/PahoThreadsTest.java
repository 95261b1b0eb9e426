package io.dpsagent.agent.transport.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool wakes a thread sleeping in Paho's start pattern (start a loop under its lock, then
 * {@code while (!isRunning()) sleep}) as soon as the loop runs, and leaves no interrupt behind. A
 * stand-in {@link Loop} plays Paho's receiver: it takes the same lock before it says it runs.
 */
class PahoThreadsTest {

  private static final long BOUND_SECONDS = 10;

  private final PahoThreads pool =
      new PahoThreads("test", List.of(new PahoThreads.Loop<>(Loop.class, Loop::isRunning)));

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  /** A loop started the way Paho starts its three: it runs once it holds the lifecycle lock. */
  private static final class Loop implements Runnable {
    final Object lifecycle = new Object();
    final CountDownLatch mayRun = new CountDownLatch(1);
    private boolean running; // guarded by lifecycle
    private final boolean ever;

    Loop(boolean ever) {
      this.ever = ever;
    }

    @Override
    public void run() {
      try {
        mayRun.await();
      } catch (InterruptedException e) {
        return;
      }
      synchronized (lifecycle) {
        running = ever;
      }
    }

    boolean isRunning() {
      synchronized (lifecycle) {
        return running;
      }
    }
  }

  /** Paho's start: submit under the lock, then sleep until the loop runs; returns the wakes. */
  private int startLikePaho(Loop loop, long sleepMillis) {
    synchronized (loop.lifecycle) {
      pool.submit(loop);
    }
    int wakes = 0;
    while (!loop.isRunning()) {
      loop.mayRun.countDown();
      try {
        Thread.sleep(sleepMillis);
        return wakes;
      } catch (InterruptedException e) {
        wakes++;
      }
    }
    return wakes;
  }

  private <T> T onPoolThread(java.util.concurrent.Callable<T> task) throws Exception {
    return pool.submit(task).get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  private static boolean awaitInterrupt() {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() - end > 0) {
        return false;
      }
      Thread.onSpinWait();
    }
    return true;
  }

  @Test
  void aStarterSleepingForItsLoopIsWokenOnceTheLoopRuns() throws Exception {
    Loop loop = new Loop(true);

    // A sleep far longer than the bound: only the wake can end it in time.
    int wakes = onPoolThread(() -> startLikePaho(loop, TimeUnit.MINUTES.toMillis(5)));

    assertEquals(1, wakes);
    assertTrue(loop.isRunning());
  }

  @Test
  void aWakeThatLandsAfterTheStarterMovedOnIsClearedAtItsNextStart() throws Exception {
    boolean[] seen = new boolean[2];
    onPoolThread(
        () -> {
          Loop loop = new Loop(true);
          synchronized (loop.lifecycle) {
            pool.submit(loop);
          }
          loop.mayRun.countDown();
          // The starter does not sleep: the wake finds it doing something else.
          seen[0] = awaitInterrupt();
          pool.submit(() -> {});
          seen[1] = Thread.currentThread().isInterrupted();
          return null;
        });

    assertTrue(seen[0], "the late wake was delivered");
    assertFalse(seen[1], "and cleared at the next start");
  }

  @Test
  void aLoopThatNeverRunsLeavesTheStarterToItsOwnSleep() throws Exception {
    int wakes = onPoolThread(() -> startLikePaho(new Loop(false), 200));

    assertEquals(0, wakes);
  }

  @Test
  void anInterruptFromElsewhereIsLeftAlone() throws Exception {
    boolean stillInterrupted =
        onPoolThread(
            () -> {
              Thread.currentThread().interrupt();
              pool.submit(() -> {});
              return Thread.interrupted();
            });

    assertTrue(stillInterrupted);
  }

  @Test
  void aThreadOutsideThePoolIsNeverInterrupted() throws Exception {
    Loop loop = new Loop(true);
    synchronized (loop.lifecycle) {
      pool.submit(loop);
    }
    loop.mayRun.countDown();
    BooleanSupplier running = loop::isRunning;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!running.getAsBoolean() && System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
    // A watcher, had one been started, would interrupt within microseconds of the loop running.
    Thread.sleep(100);

    assertTrue(running.getAsBoolean());
    assertFalse(Thread.interrupted());
  }

  @Test
  void itsThreadsAreDaemonsNamedForTheClient() throws Exception {
    Thread thread = onPoolThread(Thread::currentThread);

    assertTrue(thread.isDaemon());
    assertEquals("paho test", thread.getName());
  }
}
