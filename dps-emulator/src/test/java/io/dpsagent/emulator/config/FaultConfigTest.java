package io.dpsagent.emulator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.device.DeviceTransport;
import io.dpsagent.emulator.device.Fault;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultRule;
import io.dpsagent.emulator.device.RequestKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config file's {@code [faults]} table. */
class FaultConfigTest extends ConfigFileFixture {

  @Test
  void rulesAreReadInOrderAndTheEmulatorStartsWithThem() throws Exception {
    Path file =
        write(
            """
            [faults]
            seed = 1234

            [[faults.rules]]
            requests = "register"
            transport = "mqtt"
            registration_id = "dev-7"
            script = ["503", "ok", "no_reply"]

            [[faults.rules]]
            requests = "any"
            probability = 0.3
            faults = ["503:1", "429:1", "reset", "truncated", "malformed", "wrong_operation_id", "delay:200"]
            """);

    EmulatorConfig config = EmulatorConfig.load(file);

    FaultPlan expected =
        FaultPlan.of(
            1234,
            FaultRule.scripted(List.of(Fault.parse("503"), Fault.OK, Fault.parse("no_reply")))
                .onlyFor(RequestKind.REGISTER)
                .onlyOver(DeviceTransport.MQTT)
                .onlyForDevice("dev-7"),
            FaultRule.random(
                0.3,
                List.of(
                        "503:1",
                        "429:1",
                        "reset",
                        "truncated",
                        "malformed",
                        "wrong_operation_id",
                        "delay:200")
                    .stream()
                    .map(Fault::parse)
                    .toList()));
    assertEquals(expected, config.faults());
    try (DpsEmulator emulator = DpsEmulator.start(config)) {
      assertEquals(expected, emulator.faults().plan());
    }
  }

  @Test
  void withoutTheTableThereAreNoFaults() throws Exception {
    assertEquals(
        FaultPlan.NONE, EmulatorConfig.load(write("[emulator]\nhost = \"localhost\"\n")).faults());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[faults]\\ncolour = 1 | faults.colour: unknown key",
        "[faults]\\nseed = \"x\" | faults.seed: must be an integer",
        "[[faults.rules]]\\nscript = [\"503\"]\\nregistrationId = \"a\" | faults.rules[0].registrationId: unknown key",
        "[[faults.rules]]\\nprobability = 0.5 | faults.rules[0]: needs either faults (with probability) or script",
        "[[faults.rules]]\\nfaults = [\"503\"] | faults.rules[0].probability: is required with faults",
        "[[faults.rules]]\\nfaults = [\"503\"]\\nprobability = 2 | "
            + "faults.rules[0].probability: must be a number from 0 to 1",
        "[[faults.rules]]\\nscript = [\"503\"]\\nprobability = 1 | "
            + "faults.rules[0].probability: does not apply to a script",
        "[[faults.rules]]\\nscript = [] | faults.rules[0].script: must be a non-empty list of faults such as "
            + "[\"503\", \"reset\"]",
        "[[faults.rules]]\\nscript = [\"503\", \"boom\"] | faults.rules[0].script[1]: must be a status 400..599",
        "[[faults.rules]]\\nscript = [\"delay\"] | faults.rules[0].script[0]: delay needs milliseconds",
        "[[faults.rules]]\\nscript = [\"503\"]\\ntransport = \"amqp\" | "
            + "faults.rules[0].transport: must be \"https\", \"mqtt\" or \"any\"",
        "[[faults.rules]]\\nscript = [\"503\"]\\nrequests = \"query\" | "
            + "faults.rules[0].requests: must be \"poll\", \"register\", \"status_lookup\" or \"any\"",
      })
  void aBadTableIsOneLineNamingTheKey(String toml, String expected) throws Exception {
    String message = assertProblemStarts(toml.replace("\\n", "\n"), expected);

    assertEquals(1, message.lines().count());
  }
}
