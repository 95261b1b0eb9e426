package io.dpsagent.agent.check;

import java.util.List;

/**
 * One diagnostic of {@code dps-agent check}: looks at one thing the agent depends on and says
 * whether it will work, and if not, how to fix it. A check never changes what it looks at.
 */
public interface Check {

  /** A short stable name, e.g. {@code endpoint-tls}; scripts select results by it. */
  String id();

  /**
   * Checks whose failure makes this one meaningless (no TLS check when TCP failed); when one of
   * them failed or was skipped, this one is skipped with that reason.
   */
  default List<String> requires() {
    return List.of();
  }

  Verdict run();
}
