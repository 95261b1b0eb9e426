package io.dpsagent.agent.check;

import java.util.Locale;

/** The outcome of one diagnostic. Only {@link #ERROR} makes {@code dps-agent check} fail. */
public enum Status {
  OK,
  WARNING,
  ERROR,
  SKIPPED;

  /**
   * The name in the text and JSON reports: {@code ok}, {@code warning}, {@code error}, {@code
   * skipped}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
