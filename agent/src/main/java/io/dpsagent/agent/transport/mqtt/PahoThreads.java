package io.dpsagent.agent.transport.mqtt;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

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

  private final Function<Runnable, BooleanSupplier> loops;

  /**
   * @param name the client's name in its threads' names
   * @param loops for a task Paho submits, how to ask whether it is a loop that now runs; null for
   *     any other task
   */
  PahoThreads(String name, Function<Runnable, BooleanSupplier> loops) {
    super(THREADS, task -> new Worker(task, name));
    this.loops = loops;
    setRemoveOnCancelPolicy(true);
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    // Once the client is released no new work of its is wanted: a late ping or reconnect is
    // dropped.
    setRejectedExecutionHandler(new DiscardPolicy());
  }

  /** For Paho's MQTT 3.1.1 client. */
  public static PahoThreads forV3(String clientId) {
    return new PahoThreads("mqtt3 " + clientId, PahoThreads::v3Loop);
  }

  /** For Paho's MQTT 5 client. */
  static PahoThreads forV5(String clientId) {
    return new PahoThreads("mqtt5 " + clientId, PahoThreads::v5Loop);
  }

  @Override
  public Future<?> submit(Runnable task) {
    Worker starter = Thread.currentThread() instanceof Worker w ? w : null;
    if (starter != null) {
      starter.settle();
    }
    Future<?> future = super.submit(task);
    BooleanSupplier running = loops.apply(task);
    if (starter != null && running != null && !isShutdown()) {
      Object wait = starter.awaitStart();
      Thread watcher = new Thread(() -> wakeWhenRunning(starter, wait, running), "paho-start");
      watcher.setDaemon(true);
      watcher.start();
    }
    return future;
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

  private static BooleanSupplier v3Loop(Runnable task) {
    if (task instanceof org.eclipse.paho.client.mqttv3.internal.CommsReceiver r) {
      return r::isRunning;
    }
    if (task instanceof org.eclipse.paho.client.mqttv3.internal.CommsSender s) {
      return s::isRunning;
    }
    if (task instanceof org.eclipse.paho.client.mqttv3.internal.CommsCallback c) {
      return c::isRunning;
    }
    return null;
  }

  private static BooleanSupplier v5Loop(Runnable task) {
    if (task instanceof org.eclipse.paho.mqttv5.client.internal.CommsReceiver r) {
      return r::isRunning;
    }
    if (task instanceof org.eclipse.paho.mqttv5.client.internal.CommsSender s) {
      return s::isRunning;
    }
    if (task instanceof org.eclipse.paho.mqttv5.client.internal.CommsCallback c) {
      return c::isRunning;
    }
    return null;
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
