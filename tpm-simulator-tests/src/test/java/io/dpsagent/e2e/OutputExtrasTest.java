package io.dpsagent.e2e;

import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.assertStderr;
import static io.dpsagent.e2e.Runs.assertStderrHolds;
import static io.dpsagent.e2e.Runs.provisioned;
import static io.dpsagent.e2e.Runs.timedProvision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.e2e.Runs.Timed;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional outputs: {@code connection.env} for EnvironmentFile=, and the post-provision hook.
 */
class OutputExtrasTest {

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  private Device enrolled(String id, String key) throws Exception {
    return Device.named(home, id).endpoint(emulator).enrolledIn(emulator, key);
  }

  /**
   * A shell script the hook runs: it records its argv and environment, then does what the test
   * asks.
   */
  private Path script(String name, String body) throws Exception {
    Path script = home.resolve(name);
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** {@code output.post_provision_hook} running {@code script} alone, with {@code options}. */
  private static String hookRunning(Path script, String options) {
    return "post_provision_hook = { command = [\"" + script + "\"]" + options + " }";
  }

  @Test
  void theEnvironmentFileNamesTheHubDeviceAndConnectionString() throws Exception {
    String key = Device.newKey();
    Device device = enrolled("extras-env", key).output("env_file = true");

    CliRun run = provisioned(device);
    RegistrationRecord record = emulator.registry().registration("extras-env").orElseThrow();
    Path env = device.outputDir.resolve("connection.env");
    assertEquals(
        "IOTHUB_HOSTNAME="
            + record.assignedHub()
            + "\nIOTHUB_DEVICE_ID="
            + record.deviceId()
            + "\nDPS_REGISTRATION_ID=extras-env\nIOTHUB_AUTH_TYPE=sas\nIOTHUB_DEVICE_CONNECTION_STRING=HostName="
            + record.assignedHub()
            + ";DeviceId="
            + record.deviceId()
            + ";SharedAccessKey="
            + key
            + "\n",
        Files.readString(env));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
    assertTrue(run.stdout().contains("wrote " + env), run.stdout());
  }

  @Test
  void withoutAConnectionStringTheEnvironmentFileCarriesNoKey() throws Exception {
    String key = Device.newKey();
    Device device =
        enrolled("extras-env-nokey", key).output("env_file = true\nconnection_string = false");

    provisioned(device);
    String env = Files.readString(device.outputDir.resolve("connection.env"));
    assertFalse(env.contains(key), env);
    assertFalse(env.contains("CONNECTION_STRING"), env);
  }

  @Test
  void theHookRunsAfterTheOutputsWithTheAssignmentAndNoSecretInItsEnvironment() throws Exception {
    String key = Device.newKey();
    Path seen = home.resolve("hook-saw");
    Path hook =
        script(
            "hook.sh",
            "{ echo \"args: $*\"; env | sort; test -f \"$DPS_AGENT_OUTPUT_DIR/connection.json\""
                + " && echo outputs-present; } > "
                + seen
                + "\necho hook says hello");
    Device device =
        enrolled("extras-hook", key)
            .output(
                "post_provision_hook = { command = [\""
                    + hook
                    + "\", \"--restart\", \"my app\"] }");

    CliRun run =
        CliRun.with(
            "",
            Map.of("SECRET_FROM_AGENT_ENV", "must-not-pass"),
            java.time.Clock.systemUTC(),
            "provision",
            "--config",
            device.writeConfig());

    assertExit(0, run);
    RegistrationRecord record = emulator.registry().registration("extras-hook").orElseThrow();
    String saw = Files.readString(seen);
    assertTrue(saw.startsWith("args: --restart my app\n"), saw);
    assertTrue(saw.contains("DPS_AGENT_HUB_HOSTNAME=" + record.assignedHub() + "\n"), saw);
    assertTrue(saw.contains("DPS_AGENT_DEVICE_ID=" + record.deviceId() + "\n"), saw);
    assertTrue(saw.contains("DPS_AGENT_REGISTRATION_ID=extras-hook\n"), saw);
    assertTrue(saw.contains("outputs-present"), "the hook runs once the set is complete: " + saw);
    assertFalse(saw.contains(key), "no key in the hook's environment");
    assertFalse(saw.contains("must-not-pass"), "the agent's own environment is not passed on");
    assertTrue(
        run.stderr().contains(hook + ": hook says hello"), "its output is logged: " + run.stderr());
    assertTrue(run.stderr().contains("post-provision hook " + hook + " succeeded"), run.stderr());
  }

  @Test
  void aHookThatOverrunsItsTimeoutIsKilledAndProvisioningStillSucceeds() throws Exception {
    Path hook = script("slow.sh", "exec sleep 30");
    Device device =
        enrolled("extras-slow", Device.newKey()).output(hookRunning(hook, ", timeout_seconds = 1"));

    Timed timed = timedProvision(device.writeConfig());

    assertExit(0, timed.run());
    assertTrue(
        timed.took().compareTo(Duration.ofSeconds(10)) < 0,
        "the hook was killed at its timeout: " + timed.took());
    assertTrue(
        timed
            .run()
            .stderr()
            .contains("post-provision hook " + hook + " did not finish within 1 s and was killed"),
        timed.run().stderr());
    assertTrue(Files.exists(device.outputDir.resolve("connection.json")));
  }

  @Test
  void aFailingHookIsAWarningNotAFailure() throws Exception {
    Path hook = script("fails.sh", "exit 3");
    Device device = enrolled("extras-fails", Device.newKey()).output(hookRunning(hook, ""));

    CliRun run = CliRun.of("provision", "--config", device.writeConfig());

    assertStderrHolds(0, run, "dps-agent: warning: post-provision hook " + hook + " exited with 3");
  }

  @Test
  void aHookGivenAsARelativeProgramIsAConfigError() throws Exception {
    Device device =
        enrolled("extras-relative", Device.newKey())
            .output("post_provision_hook = { command = [\"systemctl\", \"restart\", \"app\"] }");
    String config = device.writeConfig();

    CliRun run = CliRun.of("provision", "--config", config);

    assertStderr(
        2,
        run,
        "dps-agent: error: config "
            + config
            + ": output.post_provision_hook.command: the program must be an"
            + " absolute path (no shell, no PATH search), e.g. \"/usr/bin/systemctl\"\n");
  }
}
