package io.dpsagent.bench;

/** The floor of every Java client: a JVM that starts and exits. */
public final class EmptyMain {
  private EmptyMain() {}

  public static void main(String[] args) {}
}
