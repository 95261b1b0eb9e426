package io.dpsagent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's class-data archive, made by the first {@code provision}: it must hold what the
 * other commands load, picocli included, although the plain {@code provision} and {@code status}
 * lines it records are parsed without picocli (a command line picocli parses would otherwise load
 * its 170 classes from the jar: {@code check --offline} took 0.30 s instead of 0.21 s).
 */
class LauncherArchiveTest {

  private static final Path LAUNCHER = Path.of("..", "bin", "dps-agent").toAbsolutePath();
  private static final Path JAR =
      Path.of("..", "agent", "target", "dps-agent.jar").toAbsolutePath();

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startFast);

  @TempDir Path home;

  @Test
  void theFirstProvisionWritesAnArchiveThatCheckMapsPicocliFrom() throws Exception {
    String key = Device.newKey();
    Device device = new Device(home).registrationId("launcher-1").endpoint(EMULATOR.get());
    device.deviceKey(key);
    EMULATOR
        .get()
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.symmetricKey("launcher-1", key));
    String config = device.writeConfig();
    Path archives = Files.createDirectories(home.resolve("cds"));

    Launched provision = launch(archives, List.of(), "provision", "--config", config);

    assertEquals(0, provision.exitCode(), provision.output());
    Path archive;
    try (Stream<Path> files = Files.list(archives)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), "only the archive is left: " + all);
      archive = all.get(0);
    }
    assertTrue(
        archive.getFileName().toString().matches("dps-agent-jdk\\d+\\.jsa"), archive.toString());
    assertEquals(
        "r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));

    Path classes = home.resolve("check-classes.log");
    Launched check =
        launch(
            archives,
            List.of("-Xlog:class+load=info:file=" + classes),
            "check",
            "--offline",
            "--config",
            config);
    assertTrue(check.output().contains("[ok] config: "), check.output());
    List<String> loaded = Files.readAllLines(classes);
    assertTrue(
        loaded.stream()
            .anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file")),
        "picocli comes from the archive");
    // A few picocli classes no archive keeps (JDK 17 refuses some of its class-file-49 classes);
    // without picocli in the archive it is about 150.
    List<String> fromTheJar =
        loaded.stream()
            .filter(l -> l.contains(" picocli.") && !l.contains("shared objects file"))
            .toList();
    assertTrue(
        fromTheJar.size() < 10, fromTheJar.size() + " picocli classes from the jar: " + fromTheJar);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https", "mqtt"})
  void aPlainProvisionAfterTheFirstLoadsNoClassFromTheJarNorJavaUtilLogging(String transport)
      throws Exception {
    String key = Device.newKey();
    String id = "launcher-" + transport;
    Device device = new Device(home).registrationId(id).endpoint(EMULATOR.get(), transport);
    device.deviceKey(key);
    EMULATOR.get().registry().addIndividualEnrollment(IndividualEnrollment.symmetricKey(id, key));
    String config = device.writeConfig();
    Path archives = Files.createDirectories(home.resolve("cds"));
    assertEquals(0, launch(archives, List.of(), "provision", "--config", config).exitCode());

    for (String command : List.of("provision", "status")) {
      Path classes = home.resolve(command + "-classes.log");
      Launched run =
          launch(
              archives,
              List.of("-Xlog:class+load=info:file=" + classes),
              command,
              "--config",
              config);
      assertEquals(0, run.exitCode(), run.output());
      // Every class of the jar a plain line needs is in the archive: one read from the jar (as
      // picocli's model once was, through a method reference linked at start) costs the opening of
      // the jar and its class on every run.
      List<String> loaded = Files.readAllLines(classes);
      List<String> fromTheJar = loaded.stream().filter(l -> l.contains("source: file:")).toList();
      assertEquals(List.of(), fromTheJar, command + " read classes from the jar");
      // The agent's log and Paho's (PahoLog) are not java.util.logging, whose start-up cost
      // every run about 10 ms.
      assertEquals(
          List.of(),
          loaded.stream().filter(l -> l.contains(" java.util.logging.LogManager ")).toList(),
          command + " started java.util.logging");
    }
  }

  private record Launched(int exitCode, String output) {}

  /** The repository's launcher on the built jar, its archive in {@code archives}. */
  private Launched launch(Path archives, List<String> extraFlags, String... args)
      throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(JAR), "the agent's jar is built: " + JAR);
    List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("DPS_AGENT_JAR", JAR.toString());
    env.put("DPS_AGENT_CDS_DIR", archives.toString());
    if (!extraFlags.isEmpty()) {
      // The launcher's own flags, which the archive was made with, and the extra ones.
      String defaults =
          Files.readAllLines(LAUNCHER).stream()
              .filter(l -> l.startsWith("default_flags=\""))
              .map(l -> l.substring("default_flags=\"".length(), l.length() - 1))
              .findFirst()
              .orElseThrow();
      env.put("DPS_AGENT_JAVA_OPTS", defaults + " " + String.join(" ", extraFlags));
    }
    Path output = Files.createTempFile(home, "launcher-", ".out");
    Process process = builder.redirectOutput(output.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish in 120 s: " + Files.readString(output));
    }
    return new Launched(process.exitValue(), Files.readString(output));
  }
}
