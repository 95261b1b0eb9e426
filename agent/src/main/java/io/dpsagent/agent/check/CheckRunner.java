package io.dpsagent.agent.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs checks in order, skipping those whose prerequisites did not pass. */
public final class CheckRunner {

  private CheckRunner() {}

  /** {@code earlier} are results already known (the config check), in report order. */
  public static List<CheckResult> run(List<CheckResult> earlier, List<Check> checks) {
    Map<String, CheckResult> done = new LinkedHashMap<>();
    earlier.forEach(r -> done.put(r.id(), r));
    for (Check check : checks) {
      Verdict verdict =
          blocker(check, done)
              .map(
                  r ->
                      Verdict.skipped(
                          r.id() + (r.status() == Status.ERROR ? " failed" : " was skipped")))
              .orElseGet(check::run);
      done.put(check.id(), new CheckResult(check.id(), verdict));
    }
    return new ArrayList<>(done.values());
  }

  /**
   * The first prerequisite that failed or was skipped; a prerequisite not run here does not block.
   */
  private static Optional<CheckResult> blocker(Check check, Map<String, CheckResult> done) {
    return check.requires().stream()
        .map(done::get)
        .filter(r -> r != null && (r.status() == Status.ERROR || r.status() == Status.SKIPPED))
        .findFirst();
  }
}
