package io.dpsagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package that {@code mvn package} builds, checked as an operator gets it: its control data,
 * its files with their owners and modes, its maintainer scripts run against a scratch root, and the
 * installed units as {@code systemd-analyze} judges them.
 */
class DebPackageIT {

  private static final String UNITS = "/usr/lib/systemd/system/";
  private static final String DAEMON = "dps-agent.service";
  private static final String ONE_SHOT = "dps-agent-provision.service";
  private static final double MAX_EXPOSURE = 2.0;

  /** Every file the package installs, with its mode; all owned by root:root. */
  private static final Map<String, String> FILES =
      new TreeMap<>(
          Map.of(
              "/usr/bin/dps-agent",
              "-rwxr-xr-x",
              "/usr/share/dps-agent/dps-agent.jar",
              "-rw-r--r--",
              UNITS + DAEMON,
              "-rw-r--r--",
              UNITS + ONE_SHOT,
              "-rw-r--r--",
              "/usr/lib/sysusers.d/dps-agent.conf",
              "-rw-r--r--",
              "/usr/lib/tmpfiles.d/dps-agent.conf",
              "-rw-r--r--",
              "/etc/dps-agent/config.toml",
              "-rw-r-----",
              "/usr/share/doc/dps-agent/README.md",
              "-rw-r--r--",
              "/usr/share/doc/dps-agent/configuration.md",
              "-rw-r--r--"));

  private static final List<String> SCRIPTS = List.of("postinst", "prerm", "postrm");

  private static DebPackage deb;
  private static Path repositoryRoot;

  @TempDir Path scratch;

  @BeforeAll
  static void findPackageAndTools() throws IOException {
    Command.requireTool("dpkg-deb", "dpkg");
    for (String tool : List.of("systemd-analyze", "systemd-sysusers", "systemd-tmpfiles")) {
      Command.requireTool(tool, "systemd");
    }
    deb = DebPackage.in(Path.of(System.getProperty("packaging.buildDirectory")));
    repositoryRoot = Path.of(System.getProperty("packaging.repositoryRoot")).toRealPath();
  }

  @Test
  void controlNamesThePackageItsVersionAndAJava17Runtime() {
    String release = System.getProperty("packaging.version").replace("-SNAPSHOT", "");
    assertAll(
        () -> assertEquals("dps-agent", deb.field("Package")),
        () -> assertEquals("all", deb.field("Architecture")),
        () ->
            assertTrue(
                deb.field("Version").matches("\\Q" + release + "\\E(~\\d{14})?"),
                deb.field("Version")),
        () ->
            assertEquals(
                List.of(
                    "java17-runtime-headless",
                    "systemd | systemd-standalone-sysusers | systemd-sysusers",
                    "procps"),
                Arrays.asList(deb.field("Depends").split(",\\s*"))));
  }

  @Test
  void archiveHoldsExactlyTheInstalledFilesOwnedByRoot() {
    Map<String, DebPackage.Entry> entries = deb.entries();
    Map<String, String> files =
        entries.values().stream()
            .filter(e -> !e.path().endsWith("/"))
            .collect(
                Collectors.toMap(
                    DebPackage.Entry::path, DebPackage.Entry::mode, (a, b) -> a, TreeMap::new));
    assertEquals(FILES, files);
    for (DebPackage.Entry entry : entries.values()) {
      assertEquals("root/root", entry.owner(), entry.path());
      if (entry.path().endsWith("/")) {
        assertEquals("drwxr-xr-x", entry.mode(), entry.path());
      }
    }
    // The state and runtime directories belong to dps-agent: tmpfiles and the units make them.
    assertFalse(
        entries.keySet().stream().anyMatch(p -> p.startsWith("/var/") || p.startsWith("/run/")),
        entries.keySet()::toString);
  }

  @Test
  void packagedJarAndUnitsAreTheBuiltOnes() throws IOException {
    Path root = scratch.resolve("root");
    deb.extractTo(root);
    assertEquals(
        -1L,
        Files.mismatch(
            repositoryRoot.resolve("agent/target/dps-agent.jar"),
            root.resolve("usr/share/dps-agent/dps-agent.jar")));
    for (String unit : List.of(DAEMON, ONE_SHOT)) {
      Path installed = root.resolve(UNITS.substring(1) + unit);
      assertEquals(-1L, Files.mismatch(repositoryRoot.resolve("systemd/" + unit), installed), unit);
    }
  }

  @Test
  void theConfigIsTheOnlyConffile() throws IOException {
    Path control = scratch.resolve("control");
    deb.extractControlTo(control);
    assertEquals(
        List.of("/etc/dps-agent/config.toml"), Files.readAllLines(control.resolve("conffiles")));
  }

  @Test
  void maintainerScriptsAreShellThatStartsNothing() throws IOException {
    Path control = scratch.resolve("control");
    deb.extractControlTo(control);
    Set<String> forbidden = Set.of("start", "restart", "enable", "--now", "reload-or-restart");
    for (String script : SCRIPTS) {
      Path file = control.resolve(script);
      assertEquals(
          "rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), script);
      Command.succeed("sh", "-n", file.toString());
      for (String line : Files.readAllLines(file)) {
        List<String> words = Arrays.asList(line.strip().split("\\s+"));
        if (words.contains("systemctl") || words.contains("deb-systemd-invoke")) {
          assertTrue(
              words.stream().noneMatch(forbidden::contains),
              () -> script + " starts something: " + line);
        }
      }
    }
  }

  @Test
  void postinstInAScratchRootCreatesTheAccountAndLetsItReadTheConfig() throws IOException {
    Path root = installIntoScratchRoot();
    Map<String, String[]> users = colonFile(root.resolve("etc/passwd"));
    Map<String, String[]> groups = colonFile(root.resolve("etc/group"));
    String[] agent = users.get("dps-agent");
    String gid = groups.get("dps-agent")[2];
    assertAll(
        () -> assertEquals("/var/lib/dps-agent", agent[5]),
        () -> assertEquals("/usr/sbin/nologin", agent[6]),
        () -> assertEquals(gid, agent[3]),
        () -> assertEquals(List.of("dps-agent"), members(groups.get("tss"))),
        () -> assertEquals(List.of("dps-agent"), members(groups.get("dps-agent-apps"))));
    assertOwnerAndMode(root.resolve("etc/dps-agent/config.toml"), "0", gid, "rw-r-----");
    assertOwnerAndMode(root.resolve("var/lib/dps-agent"), agent[2], gid, "rwxr-x---");
    assertOwnerAndMode(root.resolve("run/dps-agent"), agent[2], gid, "rwxr-x---");
  }

  @Test
  void postrmPurgeForgetsTheAssignment() throws IOException {
    Path root = installIntoScratchRoot();
    Files.writeString(root.resolve("var/lib/dps-agent/connection.json"), "{}");
    Command.run(
            Map.of("DPKG_ROOT", root.toString()),
            "sh",
            control().resolve("postrm").toString(),
            "purge")
        .requireSuccess();
    assertFalse(Files.exists(root.resolve("var/lib/dps-agent")));
    assertFalse(Files.exists(root.resolve("run/dps-agent")));
    assertTrue(Files.exists(root.resolve("etc/passwd")), "the account stays");
  }

  @Test
  void packagedLauncherRunsThePackagedJarWithTheDefaultConfig() throws IOException {
    Path root = scratch.resolve("root");
    deb.extractTo(root);
    Map<String, String> env =
        Map.of("DPS_AGENT_JAR", root.resolve("usr/share/dps-agent/dps-agent.jar").toString());
    String launcher = root.resolve("usr/bin/dps-agent").toString();
    Command version = Command.run(env, launcher, "--version");
    assertEquals(
        "dps-agent " + System.getProperty("packaging.version"), version.requireSuccess().strip());
    // The shipped config is valid as it stands; what the operator must add next is the device key.
    Command provision =
        Command.run(
            env,
            launcher,
            "provision",
            "--config",
            root.resolve("etc/dps-agent/config.toml").toString());
    assertEquals(2, provision.exitCode(), provision.output());
    assertTrue(provision.output().contains("/etc/dps-agent/device.key"), provision.output());
  }

  @Test
  void installedUnitsPassSystemdVerify() throws IOException {
    SystemdAnalyze analyze = analyzeInstalledTree();
    Command verify = analyze.verify(DAEMON, ONE_SHOT);
    assertEquals(0, verify.exitCode(), verify.output());
    assertEquals("", verify.output().strip(), "systemd-analyze verify warns");
  }

  @Test
  void verifyReportsAWarningInAUnit() throws IOException {
    SystemdAnalyze analyze = analyzeInstalledTree();
    Path unit = scratch.resolve("root").resolve(UNITS.substring(1) + DAEMON);
    Files.writeString(
        unit, Files.readString(unit).replace("[Service]\n", "[Service]\nNotifyAcess=main\n"));
    assertTrue(analyze.verify(DAEMON).output().contains("Unknown key 'NotifyAcess'"));
  }

  @Test
  void installedUnitsAreHardenedToAnExposureOfAtMostTwo() throws IOException {
    SystemdAnalyze analyze = analyzeInstalledTree();
    for (String unit : List.of(DAEMON, ONE_SHOT)) {
      double exposure = analyze.exposure(unit);
      System.out.printf("systemd-analyze security --offline=true %s: %.1f%n", unit, exposure);
      assertTrue(
          exposure <= MAX_EXPOSURE, unit + " has exposure " + exposure + ", above " + MAX_EXPOSURE);
      assertEquals(0, analyze.securityThreshold(unit, 20), unit);
      // The measure is live: a stricter threshold than the score fails.
      assertEquals(1, analyze.securityThreshold(unit, (int) Math.round(exposure * 10) - 1), unit);
    }
  }

  @Test
  void daemonUnitFollowsTheDaemonsSystemdContract() throws IOException {
    UnitFile unit = UnitFile.read(repositoryRoot.resolve("systemd/" + DAEMON));
    assertAll(
        () -> assertEquals("notify", unit.get("Type")),
        () -> assertEquals("main", unit.get("NotifyAccess")),
        () -> assertEquals("/bin/kill -HUP $MAINPID", unit.get("ExecReload")),
        () -> assertEquals("infinity", unit.get("TimeoutStartSec")),
        () -> assertTrue(unit.has("WatchdogSec")),
        () -> assertEquals("on-failure", unit.get("Restart")),
        () -> assertEquals("2 6", unit.get("RestartPreventExitStatus")),
        // SIGTERM ends the daemon with 0 once it has its handlers; before, the JVM ends with 143.
        () -> assertEquals("143", unit.get("SuccessExitStatus")),
        // SIGHUP before the handlers is a clean exit to systemd, yet nobody asked for a stop.
        () -> assertEquals("SIGHUP", unit.get("RestartForceExitStatus")),
        () -> assertEquals("tss", unit.get("SupplementaryGroups")),
        () -> assertEquals("/dev/tpmrm0 rw", unit.get("DeviceAllow")));
  }

  @Test
  void unitsConfigTmpfilesAndSysusersNameTheSamePathsAndAccount() throws IOException {
    UnitFile daemon = UnitFile.read(repositoryRoot.resolve("systemd/" + DAEMON));
    UnitFile oneShot = UnitFile.read(repositoryRoot.resolve("systemd/" + ONE_SHOT));
    UnitFile config = UnitFile.read(repositoryRoot.resolve("systemd/config.toml"));
    List<String> tmpfiles =
        Files.readAllLines(repositoryRoot.resolve("systemd/tmpfiles.d-dps-agent.conf"));
    String sysusers = Files.readString(repositoryRoot.resolve("systemd/sysusers.d-dps-agent.conf"));
    assertAll(
        () -> assertEquals("\"/var/lib/dps-agent\"", firstWord(config.get("dir"))),
        () -> assertEquals("\"/run/dps-agent\"", firstWord(config.get("token_dir"))),
        () -> assertEquals("\"dps-agent-apps\"", firstWord(config.get("token_group"))),
        () -> assertTrue(sysusers.contains("\ng dps-agent-apps -\n")),
        () -> assertTrue(sysusers.contains("\nu dps-agent - ")),
        () -> assertEquals("dps-agent", daemon.get("StateDirectory")),
        () -> assertEquals("dps-agent", oneShot.get("StateDirectory")),
        () -> assertEquals("dps-agent", daemon.get("RuntimeDirectory")),
        () -> assertEquals("dps-agent", daemon.get("User")),
        () -> assertEquals("dps-agent", oneShot.get("User")),
        () ->
            assertTrue(
                tmpfiles.contains(
                    "d /var/lib/dps-agent "
                        + daemon.get("StateDirectoryMode")
                        + " dps-agent dps-agent -")),
        () ->
            assertTrue(
                tmpfiles.contains(
                    "d /run/dps-agent "
                        + daemon.get("RuntimeDirectoryMode")
                        + " dps-agent dps-agent -")),
        () -> assertEquals(daemon.get("StateDirectoryMode"), oneShot.get("StateDirectoryMode")),
        () ->
            assertTrue(
                oneShot.get("ConditionPathExists").equals("!/var/lib/dps-agent/connection.json")));
  }

  /** Unpacks the package into a scratch root and runs its postinst there, as dpkg --root would. */
  private Path installIntoScratchRoot() throws IOException {
    Path root = scratch.resolve("root");
    deb.extractTo(root);
    Command.run(
            Map.of("DPKG_ROOT", root.toString()),
            "sh",
            control().resolve("postinst").toString(),
            "configure",
            "")
        .requireSuccess();
    return root;
  }

  private Path control() throws IOException {
    Path control = scratch.resolve("control");
    if (!Files.isDirectory(control)) {
      deb.extractControlTo(control);
    }
    return control;
  }

  private SystemdAnalyze analyzeInstalledTree() throws IOException {
    Path root = scratch.resolve("root");
    deb.extractTo(root);
    return SystemdAnalyze.ofRoot(root, "/bin/kill");
  }

  private static Map<String, String[]> colonFile(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(l -> l.split(":", -1))
        .collect(Collectors.toMap(f -> f[0], f -> f));
  }

  private static List<String> members(String[] group) {
    return group[3].isEmpty() ? List.of() : List.of(group[3].split(","));
  }

  private static String firstWord(String value) {
    return value.split("\\s+")[0];
  }

  private static void assertOwnerAndMode(Path path, String uid, String gid, String mode)
      throws IOException {
    assertEquals(Integer.parseInt(uid), Files.getAttribute(path, "unix:uid"), path + " owner");
    assertEquals(Integer.parseInt(gid), Files.getAttribute(path, "unix:gid"), path + " group");
    assertEquals(
        mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path + " mode");
  }
}
