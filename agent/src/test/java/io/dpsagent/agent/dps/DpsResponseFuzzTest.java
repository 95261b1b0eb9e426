package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.testing.Fuzz;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz targets: DPS's JSON answers. Seeds are real answers (register 202, polls, assigned for each
 * attestation, failed, disabled; error bodies, a TPM challenge, a proxy's HTML page). Properties:
 * {@link DpsMessages#operationStatus} returns or throws {@link MalformedResponseException}; {@link
 * DpsValues#check} passes or refuses (REFUSED); {@link DpsMessages#errorBody} never throws; every
 * message and every accepted identifier is a printable line.
 */
class DpsResponseFuzzTest {

  private static final List<String> STATUS_SEEDS =
      Fuzz.textSeeds(DpsResponseFuzzTest.class, "operation-status");
  private static final List<String> ERROR_SEEDS =
      Fuzz.textSeeds(DpsResponseFuzzTest.class, "dps-error");

  @Example
  void everyStatusSeedParsesAndPassesTheChecks() throws Exception {
    for (String seed : STATUS_SEEDS) {
      DpsValues.check(DpsMessages.operationStatus(seed));
    }
  }

  @Property
  void operationStatusParsesOrIsMalformedAndItsValuesAreSafeOrRefused(
      @ForAll("statuses") String body) {
    Fuzz.Outcome<RegistrationOperationStatus> parsed =
        Fuzz.bounded(() -> DpsMessages.operationStatus(body))
            .allowOnly(MalformedResponseException.class);
    if (parsed.failed()) {
      Fuzz.assertPrintableLine(parsed.failure().getMessage());
      return;
    }
    Fuzz.Outcome<Void> checked =
        Fuzz.<Void>bounded(
                () -> {
                  DpsValues.check(parsed.value());
                  return null;
                })
            .allowOnly(AgentException.class);
    if (checked.failed()) {
      assertEquals(AgentException.Kind.REFUSED, ((AgentException) checked.failure()).kind());
      Fuzz.assertPrintableLine(checked.failure().getMessage());
      return;
    }
    parsed.value().operationId().ifPresent(Fuzz::assertPrintableLine);
    parsed
        .value()
        .registrationState()
        .ifPresent(
            state -> {
              state.assignedHub().ifPresent(Fuzz::assertPrintableLine);
              state.deviceId().ifPresent(Fuzz::assertPrintableLine);
              state.errorMessage().ifPresent(Fuzz::assertPrintableLine);
            });
  }

  @Property
  void errorBodiesNeverThrowAndDescribeThemselvesOnOneLine(@ForAll("errors") String body) {
    DpsErrorBody error = Fuzz.bounded(() -> DpsMessages.errorBody(body)).allowOnly().value();
    String described = error.describe();
    if (!described.isEmpty()) {
      Fuzz.assertPrintableLine(described);
    }
    Fuzz.bounded(() -> DpsMessages.tpmChallenge(body)).allowOnly();
  }

  @Provide
  Arbitrary<String> statuses() {
    return Fuzz.textMutationsOf(STATUS_SEEDS);
  }

  @Provide
  Arbitrary<String> errors() {
    return Fuzz.textMutationsOf(ERROR_SEEDS);
  }
}
