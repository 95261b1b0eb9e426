package io.dpsagent.agent.transport.mqtt;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The threads of one Paho client: its connect and disconnect tasks, its receiver, sender and
 * callback loops and its keep-alive pings, on daemon threads that end with the client.
 *
 * <p>Why Paho does not get to start its own: Paho 1.2.5, the newest release of both {@code mqttv3}
 * and {@code mqttv5}, starts each of its three loops with {@code while (!isRunning())
 * Thread.sleep(100)} on the connecting thread, right after leaving the lock the new loop must take
 * before it can say it runs. The first check nearly always comes too early, so every connect sleeps
 * 3 × 100 ms: most of what a provisioning run over MQTT spent beyond one over HTTPS
 * (docs/benchmarks.md). Upstream removed those sleeps (eclipse/paho.mqtt.java, merged in 2022) but
 * released no version with it. This pool watches each loop it starts and interrupts the connecting
 * thread's sleep as soon as the loop runs; Paho's sleep swallows the interrupt and its next check
 * returns. Only threads of this pool are woken, and a wake that lands after the sleep it was meant
 * for is cleared before that thread does anything else of Paho's: at its next start, or when its
 * task ends.
 */
public final class PahoThreads extends ScheduledThreadPoolExecutor {

  /** Connect or disconnect, the three loops, a ping: never more at once for one client. */
  private static final int THREADS = 6;

  /** How long a start is watched; past it Paho's own sleep loop, unchanged, finishes the wait. */
  private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final List<Loop<?>> loops;

  /**
   * @param name the client's name in its threads' names
   * @param loops the client's loop classes: a task of one of them is watched until it runs
   */
  public PahoThreads(String name, List<Loop<?>> loops) {
    super(THREADS, task -> new Worker(task, name));
    this.loops = loops;
    setRemoveOnCancelPolicy(true);
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    // Once the client is released no new work of its is wanted: a late ping or reconnect is
    // dropped.
    setRejectedExecutionHandler(new DiscardPolicy());
  }

  @Override
  public Future<?> submit(Runnable task) {
    Worker starter = Thread.currentThread() instanceof Worker w ? w : null;
    if (starter != null) {
      starter.settle();
    }
    Future<?> future = super.submit(task);
    BooleanSupplier running = loopState(task);
    if (starter != null && running != null && !isShutdown()) {
      Object wait = starter.awaitStart();
      Thread watcher = new Thread(() -> wakeWhenRunning(starter, wait, running), "paho-start");
      watcher.setDaemon(true);
      watcher.start();
    }
    return future;
  }

  private BooleanSupplier loopState(Runnable task) {
    for (Loop<?> loop : loops) {
      BooleanSupplier state = loop.state(task);
      if (state != null) {
        return state;
      }
    }
    return null;
  }

  @Override
  protected void afterExecute(Runnable task, Throwable failure) {
    super.afterExecute(task, failure);
    if (Thread.currentThread() instanceof Worker w) {
      w.settle();
    }
  }

  private static void wakeWhenRunning(Worker starter, Object wait, BooleanSupplier running) {
    long deadline = System.nanoTime() + WATCH_NANOS;
    while (!running.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    starter.wake(wait);
  }

  /** One of Paho's loop classes, and how to ask one whether it runs. */
  public record Loop<T>(Class<T> type, Predicate<T> running) {
    /** For a submitted task: how to ask whether it runs, when it is this loop; else null. */
    BooleanSupplier state(Runnable task) {
      return type.isInstance(task) ? () -> running.test(type.cast(task)) : null;
    }
  }

  /** A pool thread that may be waiting for a loop it started. */
  static final class Worker extends Thread {
    private final Object lock = new Object();
    private Object awaited; // guarded by lock
    private boolean woken; // guarded by lock

    Worker(Runnable task, String name) {
      super(task, "paho " + name);
      setDaemon(true);
    }

    /** Marks this thread as waiting for the start it just asked for; returns that wait. */
    Object awaitStart() {
      synchronized (lock) {
        awaited = new Object();
        return awaited;
      }
    }

    /** Interrupts this thread if it still waits for {@code wait}. */
    void wake(Object wait) {
      synchronized (lock) {
        if (awaited == wait) {
          awaited = null;
          woken = true;
          interrupt();
        }
      }
    }

    /**
     * Ends any wait and clears a wake that came after its sleep; only ever on this thread. A wake
     * not delivered by {@link #wake} is left alone.
     */
    void settle() {
      synchronized (lock) {
        awaited = null;
        if (woken) {
          woken = false;
          Thread.interrupted();
        }
      }
    }
  }
}
