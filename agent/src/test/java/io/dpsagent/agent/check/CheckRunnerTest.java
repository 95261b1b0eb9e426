package io.dpsagent.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckRunnerTest {

  private final List<String> ran = new ArrayList<>();

  private Check check(String id, Verdict verdict, String... requires) {
    return new Check() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public List<String> requires() {
        return List.of(requires);
      }

      @Override
      public Verdict run() {
        ran.add(id);
        return verdict;
      }
    };
  }

  private static final Verdict FAILED =
      Verdict.error(AgentException.Kind.TRANSIENT, "refused", "open the port");

  @Test
  void aCheckWhosePrerequisiteFailedIsSkippedAndNotRun() {
    List<CheckResult> results =
        CheckRunner.run(
            List.of(),
            List.of(
                check("dns", Verdict.ok("resolves")),
                check("tcp", FAILED, "dns"),
                check("tls", Verdict.ok("x"), "tcp"),
                check("clock", Verdict.ok("x"), "tls")));

    assertEquals(List.of("dns", "tcp"), ran);
    assertEquals(Verdict.skipped("tcp failed"), results.get(2).verdict());
    assertEquals(Verdict.skipped("tls was skipped"), results.get(3).verdict());
  }

  @Test
  void aPrerequisiteThatIsNotRelevantDoesNotBlock() {
    List<CheckResult> results =
        CheckRunner.run(List.of(), List.of(check("certificates", Verdict.ok("valid"), "pkcs11")));

    assertEquals(Status.OK, results.get(0).status());
  }

  @Test
  void aWarningDoesNotBlock() {
    CheckRunner.run(
        List.of(),
        List.of(check("a", Verdict.warning("odd", "fix it")), check("b", Verdict.ok("x"), "a")));

    assertEquals(List.of("a", "b"), ran);
  }

  @Test
  void theExitKindIsTheFirstError() {
    CheckReport report =
        new CheckReport(
            CheckRunner.run(
                List.of(),
                List.of(
                    check("a", Verdict.warning("odd", "fix it")),
                    check("b", FAILED),
                    check("c", Verdict.error(AgentException.Kind.HSM, "gone", "plug it in")))));

    assertEquals(Optional.of(AgentException.Kind.TRANSIENT), report.failure());
    assertEquals(2, report.errors());
    assertEquals(1, report.warnings());
    assertEquals(
        "[warning] a: odd \u2014 fix: fix it\n[error] b: refused \u2014 fix: open the port\n"
            + "[error] c: gone \u2014 fix: plug it in\nchecks failed: 2 errors, 1 warning\n",
        report.toText());
  }

  @Test
  void everyProblemCarriesItsFix() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Verdict(
                Status.ERROR, "x", Optional.empty(), Optional.of(AgentException.Kind.CONFIG)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Verdict(Status.WARNING, "x", Optional.empty(), Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Verdict(Status.OK, "x", Optional.empty(), Optional.of(AgentException.Kind.CONFIG)));
  }
}
