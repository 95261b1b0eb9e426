package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dps-agent derive-key}, checked against the protocol reference's test vector. */
class DeriveKeyCommandTest {

  private static final String GROUP_KEY =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
  private static final String DERIVED = "bf2Swwo3vkLIGksxx8gesUTRM/BeVGtLjHRYev98Q+s=";

  @TempDir Path dir;

  @Test
  void derivesFromAGroupKeyOnStandardInput() {
    CliRun run =
        CliRun.withStdin(GROUP_KEY + "\n", "derive-key", "--registration-id", "my-device-01");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(DERIVED + "\n", run.stdout());
    assertEquals("", run.stderr());
  }

  @Test
  void derivesFromAGroupKeyFile() throws Exception {
    Path key = dir.resolve("group.key");
    Files.writeString(key, GROUP_KEY);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    CliRun run =
        CliRun.of(
            "derive-key",
            "--registration-id",
            "my-device-01",
            "--group-key",
            key.toUri().toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(DERIVED + "\n", run.stdout());
  }

  @Test
  void refusesAnEmptyStandardInput() {
    CliRun run = CliRun.of("derive-key", "--registration-id", "my-device-01");
    assertEquals(2, run.exitCode());
    assertEquals(
        "dps-agent: error: no group key on standard input; pipe the base64 group key in or use --group-key URI\n",
        run.stderr());
  }

  @Test
  void refusesGarbageWithoutEchoingIt() {
    CliRun run =
        CliRun.withStdin(
            "definitely*not*base64", "derive-key", "--registration-id", "my-device-01");
    assertEquals(2, run.exitCode());
    assertEquals(
        "dps-agent: error: standard input does not hold a base64 group key\n", run.stderr());
  }

  @Test
  void refusesAnInvalidRegistrationId() {
    CliRun run = CliRun.withStdin(GROUP_KEY, "derive-key", "--registration-id", "bad/id");
    assertEquals(2, run.exitCode());
    assertEquals(
        "dps-agent: error: --registration-id: registration ID 'bad/id' is invalid; use letters, digits and "
            + "- . _ : only, ending in a letter, digit or -\n",
        run.stderr());
  }

  @Test
  void aMissingRegistrationIdIsAUsageError() {
    CliRun run = CliRun.withStdin(GROUP_KEY, "derive-key");
    assertEquals(2, run.exitCode());
    assertEquals(
        true,
        run.stderr()
            .startsWith("dps-agent: error: Missing required option: '--registration-id=ID'"),
        run.stderr());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliRun run = CliRun.of("frobnicate");
    assertEquals(2, run.exitCode());
  }
}
