package io.dpsagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.check.UserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dps-agent check --offline}: the local diagnostics on real files, each made to fail once
 * with its fix printed. The tests run as root, so {@code --user nobody} plays the service account.
 */
class CheckCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "q83vEjRWeJq8OrxRIjNEVWZ3iJmqu8zd7v8AESIzRFU=";

  @TempDir Path dir;
  private Path key;
  private Path config;

  @BeforeEach
  void device() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    key = dir.resolve("device.key");
    Files.writeString(key, KEY + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    config = dir.resolve("config.toml");
  }

  /** Writes the config of a healthy device, with {@code outputLines} added to its output table. */
  private void writeConfig(String outputLines) throws IOException {
    Files.writeString(
        config,
        """
        [provisioning]
        global_endpoint = "https://dps.example.com"
        id_scope = "0ne00000042"
        [provisioning.attestation]
        method = "symmetric_key"
        registration_id = "gw-0042"
        symmetric_key = { uri = "%s" }
        [output]
        dir = "%s"
        token_dir = "%s"
        %s"""
            .formatted(key.toUri(), dir.resolve("out"), dir.resolve("run"), outputLines));
  }

  /** Runs {@code check --offline} on the healthy device's config. */
  private CliRun check(String... options) throws Exception {
    writeConfig("");
    return checkAsWritten(options);
  }

  /** Runs {@code check --offline} on the config file as it stands. */
  private CliRun checkAsWritten(String... options) {
    List<String> args =
        new ArrayList<>(List.of("check", "--offline", "--config", config.toString()));
    args.addAll(List.of(options));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** The line of check {@code id} in a check as {@code user} that must fail with exit code 2. */
  private String failingLine(String id, String user) throws Exception {
    CliRun run = check("--user", user);
    assertEquals(2, run.exitCode(), run.toString());
    return line(run, id);
  }

  /** The line of check {@code id} when nobody plays the service account of the healthy device. */
  private String lineAsNobody(String id) throws Exception {
    return lineAsNobody(id, "");
  }

  /** The same, with {@code outputLines} added to the config's output table. */
  private String lineAsNobody(String id, String outputLines) throws Exception {
    writeConfig(outputLines);
    return line(checkAsWritten("--user", "nobody"), id);
  }

  /** The line of one check, asserted to be there exactly once. */
  private static String line(CliRun run, String id) {
    List<String> lines =
        run.stdout().lines().filter(l -> l.matches("\\[[a-z]+\\] " + id + ": .*")).toList();
    assertEquals(1, lines.size(), run.toString());
    return lines.get(0);
  }

  @Test
  void aHealthyDeviceChecksOkAndExits0() throws Exception {
    CliRun run = check("--user", "root");

    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(
        List.of(
            "[ok] config",
            "[ok] service-user",
            "[ok] key-files",
            "[ok] output-dir",
            "[ok] groups",
            "[skipped] endpoint-dns",
            "[skipped] endpoint-tcp",
            "[skipped] endpoint-tls",
            "[skipped] clock"),
        run.stdout()
            .lines()
            .filter(l -> l.startsWith("["))
            .map(l -> l.substring(0, l.indexOf(':')))
            .toList());
    assertEquals(
        "[ok] key-files: 1 file present and readable by root, secrets owner-only: " + key,
        line(run, "key-files"));
    assertEquals("[skipped] endpoint-tls: not run (--offline)", line(run, "endpoint-tls"));
    assertTrue(run.stdout().endsWith("all checks passed: 0 errors, 0 warnings\n"), run.stdout());
    assertEquals("", run.stderr());
  }

  @Test
  void anInvalidConfigIsOneFailedConfigCheckWithExit2() throws Exception {
    Files.writeString(
        config,
        """
        [provisioning]
        [provisioning.attestation]
        method = "tpm"
        """);
    CliRun run = CliRun.of("check", "--config", config.toString());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "[error] config: config "
            + config
            + ": provisioning.id_scope: is missing"
            + " \u2014 fix: set it to the ID scope of your DPS instance, e.g. 0ne00000000\n"
            + "checks failed: 1 error, 0 warnings\n",
        run.stdout());
  }

  @Test
  void aMissingConfigFileNamesTheFix() throws Exception {
    CliRun run = CliRun.of("check", "--config", dir.resolve("absent.toml").toString());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "[error] config: config "
            + dir.resolve("absent.toml")
            + " does not exist \u2014 fix: pass --config FILE",
        line(run, "config"));
  }

  @Test
  void aMissingKeyFileIsAnErrorWithItsFix() throws Exception {
    Files.delete(key);

    assertEquals(
        "[error] key-files: "
            + key
            + " (provisioning.attestation.symmetric_key) does not exist"
            + " \u2014 fix: create it, or correct provisioning.attestation.symmetric_key in "
            + config,
        failingLine("key-files", "root"));
  }

  @Test
  void aKeyFileReadableByOthersIsAnErrorWithItsFix() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    assertEquals(
        "[error] key-files: "
            + key
            + " (provisioning.attestation.symmetric_key) is accessible by group or"
            + " others (mode 0644) \u2014 fix: chmod 600 "
            + key,
        failingLine("key-files", "root"));
  }

  /** The bundle is read alone (not with the system's anchors), with the trust manager's words. */
  @Test
  void aTrustBundleThatIsNoCertificateBundleIsAnErrorWithItsFix() throws Exception {
    Path bundle = dir.resolve("ca.pem");
    for (String content :
        List.of(
            "not a certificate\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")) {
      Files.writeString(bundle, content);
      writeConfig("");
      Files.writeString(
          config,
          Files.readString(config)
              .replace(
                  "[provisioning]\n",
                  "[provisioning]\ntrust_bundle = \"" + bundle.toUri() + "\"\n"));
      CliRun run = checkAsWritten("--user", "root");

      assertEquals(2, run.exitCode(), run.toString());
      assertEquals(
          "[error] key-files: trust_bundle "
              + bundle
              + (content.startsWith("not")
                  ? " holds no PEM certificate"
                  : " is not a PEM certificate bundle")
              + " \u2014 fix: write a valid PEM CA bundle into "
              + bundle
              + ", or correct provisioning.trust_bundle in "
              + config,
          line(run, "key-files"));
    }
  }

  @Test
  void aKeyFileWithoutAKeyIsAnErrorWithItsFix() throws Exception {
    Files.writeString(key, "not base64 !!\n");

    assertEquals(
        "[error] key-files: key file "
            + key
            + " does not hold a base64 symmetric key \u2014 fix: write a"
            + " valid base64 symmetric key into "
            + key
            + ", or correct provisioning.attestation.symmetric_key in "
            + config,
        failingLine("key-files", "root"));
  }

  @Test
  void aKeyFileTheServiceUserCannotReadIsAnErrorWithItsFix() throws Exception {
    assertEquals(
        "[error] key-files: nobody cannot read "
            + key
            + " (provisioning.attestation.symmetric_key)"
            + " \u2014 fix: chown nobody "
            + key
            + " (a secret stays mode 600, so its owner must be the service user)",
        failingLine("key-files", "nobody"));
  }

  @Test
  void aDirectoryTheServiceUserCannotTraverseIsNamed() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

    assertEquals(
        "[error] key-files: nobody cannot reach "
            + key
            + " (provisioning.attestation.symmetric_key): no"
            + " search permission on "
            + dir
            + " \u2014 fix: let nobody traverse "
            + dir
            + " (chmod o+x, or chgrp a"
            + " group of nobody and chmod g+x)",
        failingLine("key-files", "nobody"));
  }

  @Test
  void anOutputDirectoryTheServiceUserCannotCreateIsAnErrorWithItsFix() throws Exception {
    assertEquals(
        "[error] output-dir: nobody cannot write "
            + dir
            + ", so cannot create "
            + dir.resolve("out")
            + " (output.dir) \u2014 fix: create it: install -d -m 0750 -o nobody "
            + dir.resolve("out"),
        lineAsNobody("output-dir"));
  }

  @Test
  void anOutputDirectoryOwnedBySomeoneElseIsAnErrorWithItsFix() throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));

    assertEquals(
        "[error] output-dir: nobody cannot write "
            + out
            + " (output.dir) \u2014 fix: chown nobody "
            + out
            + " (systemd's StateDirectory=/RuntimeDirectory= do this for the default directories)",
        lineAsNobody("output-dir"));
  }

  @Test
  void aServiceUserOutsideTheTokenGroupIsAnErrorWithItsFix() throws Exception {
    assertEquals(
        "[error] groups: nobody is not in group tss (output.token_group: the daemon gives it the hub token"
            + " file) \u2014 fix: usermod -aG tss nobody, then restart dps-agent",
        lineAsNobody("groups", "token_group = \"tss\"\n"));
  }

  @Test
  void aServiceUserOutsideTheTpmDevicesGroupIsAnErrorWithItsFix() throws Exception {
    Path device =
        Files.writeString(
            dir.resolve("tpmrm0"), ""); // the device node's owner and mode are what count
    Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-rw----"));
    Files.setAttribute(device, "unix:gid", UserDatabase.system().groupId("tss").orElseThrow());
    Files.writeString(
        config,
        """
        [provisioning]
        id_scope = "0ne00000042"
        [provisioning.attestation]
        method = "tpm"
        [tpm]
        tcti = "device:%s"
        """
            .formatted(device));

    assertEquals(
        "[error] groups: nobody is not in group tss ("
            + device
            + " is read-write for that group only)"
            + " \u2014 fix: usermod -aG tss nobody, then restart dps-agent",
        line(checkAsWritten("--user", "nobody"), "groups"));
  }

  @Test
  void aTokenGroupThatDoesNotExistIsAnErrorWithItsFix() throws Exception {
    assertEquals(
        "[error] groups: group no-such-group-42 (output.token_group) does not exist \u2014 fix: create it"
            + " (groupadd no-such-group-42) or correct output.token_group",
        lineAsNobody("groups", "token_group = \"no-such-group-42\"\n"));
  }

  @Test
  void aServiceUserThatDoesNotExistIsAnErrorAndSkipsWhatNeedsIt() throws Exception {
    CliRun run = check("--user", "no-such-user-42");

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals(
        "[error] service-user: user no-such-user-42 does not exist in /etc/passwd \u2014 fix: create it"
            + " (useradd --system no-such-user-42), or pass the service's User= with --user",
        line(run, "service-user"));
    assertEquals(
        "[ok] key-files: 1 file present, secrets owner-only: " + key, line(run, "key-files"));
    assertTrue(
        run.stdout().lines().noneMatch(l -> l.contains("output-dir") || l.contains("groups")),
        run.stdout());
  }

  @Test
  void jsonIsOneDocumentWithEveryCheckAndTheCounts() throws Exception {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    CliRun run = check("--user", "root", "--json");

    assertEquals(2, run.exitCode(), run.toString());
    JsonNode report = JSON.readTree(run.stdout());
    assertEquals(1, report.get("errors").asInt());
    assertEquals(0, report.get("warnings").asInt());
    JsonNode keyFiles = report.get("checks").get(2);
    assertEquals("key-files", keyFiles.get("id").asText());
    assertEquals("error", keyFiles.get("status").asText());
    assertEquals("chmod 600 " + key, keyFiles.get("fix").asText());
    assertTrue(report.get("checks").get(0).get("fix").isNull());
    assertEquals(
        "config,service-user,key-files,output-dir,groups,endpoint-dns,endpoint-tcp,endpoint-tls,clock",
        stream(report.get("checks"))
            .map(c -> c.get("id").asText())
            .collect(Collectors.joining(",")));
    assertEquals(List.of("id", "status", "message", "fix"), fieldNames(keyFiles));
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> nodes = new ArrayList<>();
    array.forEach(nodes::add);
    return nodes.stream();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aTimeoutOutOfRangeIsAUsageError() throws Exception {
    CliRun run = check("--timeout", "0");

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals("dps-agent: error: --timeout: 0 is out of range; use 1..60\n", run.stderr());
  }
}
