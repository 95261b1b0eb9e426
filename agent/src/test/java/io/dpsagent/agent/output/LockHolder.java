package io.dpsagent.agent.output;

import java.nio.file.Path;

/**
 * Holds an output lock in a process of its own until its standard input ends: the lock of another
 * process, which is what {@code OutputLock} reads a PID from.
 */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (OutputLock lock =
        OutputLock.acquire(Path.of(args[0]), OutputLock.Holder.valueOf(args[1]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes our input
      }
    }
  }
}
