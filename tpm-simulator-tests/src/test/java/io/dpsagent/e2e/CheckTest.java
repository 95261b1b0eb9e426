package io.dpsagent.e2e;

import static io.dpsagent.e2e.CheckReport.DASH_FIX;
import static io.dpsagent.e2e.CheckReport.assertErrorLine;
import static io.dpsagent.e2e.CheckReport.assertLine;
import static io.dpsagent.e2e.CheckReport.check;
import static io.dpsagent.e2e.CheckReport.line;
import static io.dpsagent.e2e.Runs.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dps-agent check} against the real parts: the emulator over TLS on loopback, a proxy, swtpm
 * and SoftHSM2. Each diagnostic is made to fail once, with its fix printed.
 */
class CheckTest {

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR = ClassFixture.of(Emulators::startAllTransports);

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private final DpsEmulator emulator = EMULATOR.get();
  private final Swtpm tpm = TPM.get();

  @TempDir Path home;

  private Device device() throws Exception {
    return new Device(home)
        .registrationId("check-device")
        .endpoint(emulator)
        .deviceKey(Device.newKey());
  }

  private static String localhost(int port) {
    return "localhost:" + port;
  }

  @Test
  void aHealthyDeviceChecksOkOverTlsAndExits0() throws Exception {
    CliRun run = check(device());

    assertExit(0, run);
    assertTrue(
        run.stdout().lines().filter(l -> l.startsWith("[")).allMatch(l -> l.startsWith("[ok] ")),
        run.stdout());
    int port = emulator.httpsEndpoint().getPort();
    assertTrue(
        line(run, "endpoint-tcp")
            .equals("[ok] endpoint-tcp: connected to " + localhost(port) + " (https)"));
    assertTrue(
        line(run, "endpoint-tls")
            .startsWith(
                "[ok] endpoint-tls: TLSv1.3 with "
                    + localhost(port)
                    + ", certificate CN=localhost"),
        run.stdout());
    assertTrue(
        line(run, "clock")
            .startsWith("[ok] clock: this device's clock agrees with " + localhost(port)),
        run.stdout());
    assertTrue(
        line(run, "certificates").startsWith("[ok] certificates: 1 trust bundle CA valid until "),
        run.stdout());
  }

  @Test
  void aHostThatDoesNotResolveIsAnErrorAndSkipsTheRest() throws Exception {
    CliRun run = check(device().endpoint("https://no-such-host.invalid:8443"));

    assertExit(5, run);
    assertLine(
        run,
        "endpoint-dns",
        "error",
        "cannot resolve no-such-host.invalid",
        "check global_endpoint and the DNS"
            + " servers in /etc/resolv.conf (getent hosts no-such-host.invalid)");
    assertLine(run, "endpoint-tcp", "skipped", "endpoint-dns failed", null);
    assertLine(run, "endpoint-tls", "skipped", "endpoint-tcp was skipped", null);
    assertLine(run, "clock", "skipped", "endpoint-tls was skipped", null);
  }

  @Test
  void aPortNobodyListensOnIsATcpErrorWithItsFix() throws Exception {
    CliRun run = check(device().endpoint("https://localhost:9"));

    assertExit(5, run);
    assertTrue(
        line(run, "endpoint-tcp")
            .startsWith(
                "[error] endpoint-tcp: cannot connect to localhost:9: Connection"
                    + " refused"
                    + DASH_FIX
                    + "check that the endpoint listens on port 9 for https and that outbound TCP 9 is"
                    + " allowed (or set provisioning.proxy)"),
        run.stdout());
  }

  @Test
  void anUntrustedServerCertificateIsATlsErrorWithItsFix() throws Exception {
    CliRun run = check(device().withoutTrustBundle());

    assertExit(2, run);
    assertLine(
        run,
        "endpoint-tls",
        "error",
        "the certificate of "
            + localhost(emulator.httpsEndpoint().getPort())
            + " is not issued by a trusted CA",
        "add the endpoint's CA (or a TLS-inspecting proxy's CA) to provisioning.trust_bundle");
    assertLine(run, "clock", "skipped", "endpoint-tls failed", null);
  }

  @Test
  void everyNetworkCheckGoesThroughTheProxy() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("dev", "s3cret")) {
      CliRun run = check(device().proxy(proxy.uriWithCredentials("dev", "s3cret")));

      assertExit(0, run);
      int port = emulator.httpsEndpoint().getPort();
      assertLine(run, "endpoint-dns", "ok", "proxy host 127.0.0.1 resolves to 127.0.0.1", null);
      assertLine(
          run,
          "endpoint-tcp",
          "ok",
          "connected to "
              + localhost(port)
              + " through proxy http://***@127.0.0.1:"
              + proxy.uri().substring(proxy.uri().lastIndexOf(':') + 1)
              + " (https)",
          null);
      assertEquals(3, proxy.tunnels().size(), "TCP, TLS and clock each tunnel: " + proxy.tunnels());
      assertFalse(run.everything().contains("s3cret"), "proxy password leaked");
    }
  }

  @Test
  void aProxyRefusingTheTunnelIsATcpErrorWithTheProxyFix() throws Exception {
    try (ConnectProxy proxy = ConnectProxy.requiring("dev", "right")) {
      CliRun run = check(device().proxy(proxy.uriWithCredentials("dev", "wrong")));

      String tcp =
          assertErrorLine(
              run,
              5,
              "endpoint-tcp",
              DASH_FIX
                  + "check provisioning.proxy (or https_proxy), its credentials, and that it"
                  + " allows CONNECT to port "
                  + emulator.httpsEndpoint().getPort());
      assertTrue(tcp.contains("407 Proxy Authentication Required"), tcp);
      assertFalse(run.everything().contains("wrong"), "proxy password leaked");
    }
  }

  @Test
  void aClockBeyondDpsToleranceIsAnErrorWithExit3() throws Exception {
    CliRun run = check(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10)), device());

    assertExit(3, run);
    String clock = line(run, "clock");
    assertTrue(
        clock.matches(
            // The Date has whole seconds and is taken by the server after the request set out, so a
            // 600 s offset measures a little under 600 s on a slow machine (599 was seen), never
            // over 601.
            "\\[error\\] clock: this device's clock is (59\\d|60[01]) s ahead of localhost:\\d+"
                + " \\(Date .*\\):"
                + " beyond DPS's 5 minutes, tokens and certificates are refused"
                + Pattern.quote(
                    DASH_FIX
                        + "set the clock and keep it synchronised: timedatectl set-ntp true (or chrony/systemd-timesyncd); check with"
                        + " date -u")),
        clock);
  }

  @Test
  void aClockAFewMinutesOffWarnsButPasses() throws Exception {
    CliRun run = check(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2)), device());

    assertExit(0, run);
    assertTrue(
        line(run, "clock")
            .matches("\\[warning\\] clock: this device's clock is 1[12]\\d s behind .*"),
        run.stdout());
    assertTrue(run.stdout().endsWith("all checks passed: 0 errors, 1 warning\n"), run.stdout());
  }

  @Test
  void overMqttTheTlsCheckUsesTheMqttPortAndTheClockNeedsTheHttpsPort() throws Exception {
    CliRun run =
        check(
            device()
                .transport("mqtt")
                .endpoint(emulator.mqttEndpoint(), emulator.idScope(), emulator.caFile()));

    assertExit(0, run);
    int port = emulator.mqttEndpoint().getPort();
    assertTrue(
        line(run, "endpoint-tls").startsWith("[ok] endpoint-tls: TLSv1.3 with " + localhost(port)),
        run.stdout());
    assertLine(
        run,
        "clock",
        "skipped",
        "global_endpoint names port "
            + port
            + " for mqtt; the HTTPS port that tells"
            + " the time is unknown",
        null);
  }

  @Test
  void aTpmWithItsKeysChecksOk() throws Exception {
    Device device = device().tpm(tpm);
    assertExit(0, CliRun.of("tpm", "identity", "--config", device.writeConfig()));

    CliRun run = check(device, "--offline");

    assertExit(0, run);
    assertTrue(
        line(run, "tpm")
            .matches(
                "\\[ok\\] tpm: TPM at "
                    + Pattern.quote(tpm.tcti().toString())
                    + ": EK 0x81010001 \\(registration ID [a-z2-7]{52}\\), SRK 0x81000001; no identity key at 0x81000100 yet:"
                    + " the first provisioning stores it"),
        run.stdout());
  }

  @Test
  void aTpmWithoutAnEndorsementKeyWarnsHowToCreateIt() throws Exception {
    try (Swtpm fresh = Swtpm.start()) {
      CliRun run = check(device().tpm(fresh), "--offline");

      assertExit(0, run);
      assertLine(
          run,
          "tpm",
          "warning",
          "TPM at " + fresh.tcti() + " has no endorsement key at 0x81010001",
          "run dps-agent tpm identity once: it creates and persists the EK and SRK from the standard templates;"
              + " enroll the EK it prints");
      CliRun again = check(device().tpm(fresh), "--offline");
      assertTrue(line(again, "tpm").startsWith("[warning]"), "check created nothing: " + again);
    }
  }

  @Test
  void anUnreachableTpmIsAnErrorWithExit6() throws Exception {
    CliRun run = check(device().tpm("swtpm:host=127.0.0.1,port=9", ""), "--offline");

    String line =
        assertErrorLine(
            run,
            6,
            "tpm",
            DASH_FIX + "start the TPM simulator at 127.0.0.1:9, or correct tpm.tcti");
    assertTrue(
        line.startsWith("[error] tpm: cannot reach the TPM at swtpm:host=127.0.0.1,port=9"), line);
  }

  @Test
  void aProvisionedTpmDeviceWithoutItsIdentityKeyIsAnError() throws Exception {
    Device device = device().tpm(tpm.tcti().toString(), "auth_key_index = 0x1ff");
    assertExit(0, CliRun.of("tpm", "identity", "--config", device.writeConfig()));
    Files.createDirectories(device.outputDir);
    Files.writeString(device.outputDir.resolve("connection.json"), "{}");

    CliRun run = check(device, "--offline");

    assertErrorLine(
        run,
        6,
        "tpm",
        "; the device is provisioned but no identity key is persisted at 0x810001FF (was the TPM"
            + " cleared?)"
            + DASH_FIX
            + "run dps-agent provision again: DPS sends the identity key at every registration");
  }

  @Test
  void aTokenKeyChecksOkAndAMissingObjectIsAnErrorWithExit6() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    String uri = token.uri("object=check-key;type=secret-key");
    assertExit(0, CliRun.withStdin(Device.newKey(), "pkcs11", "import-key", "--uri", uri));

    CliRun ok = check(device().symmetricKeyUri(uri), "--offline");
    CliRun missing =
        check(
            device().symmetricKeyUri(token.uri("object=no-such-key;type=secret-key")), "--offline");

    assertExit(0, ok);
    assertTrue(
        line(ok, "pkcs11").startsWith("[ok] pkcs11: token '" + token.label() + "' (slot "),
        ok.stdout());
    assertLine(
        ok,
        "key-files",
        "ok",
        "2 files present and readable by root, secrets owner-only: "
            + token.pinFile()
            + ", "
            + emulator.caFile(),
        null);
    String line =
        assertErrorLine(
            missing,
            6,
            "pkcs11",
            DASH_FIX
                + "put the key into the token (dps-agent pkcs11 import-key, or keygen +"
                + " import-cert), or correct object= in "
                + token.uri("object=no-such-key;type=secret-key"));
    assertTrue(line.contains("no-such-key"), line);
    assertFalse(
        ok.everything().contains(token.userPin())
            || missing.everything().contains(token.userPin()));
  }

  @Test
  void aPinFileOthersCanReadFailsKeyFilesAndSkipsTheLogin() throws Exception {
    SoftHsm.Token token = SoftHsm.newToken();
    Files.setPosixFilePermissions(token.pinFile(), PosixFilePermissions.fromString("rw-r--r--"));

    CliRun run =
        check(device().symmetricKeyUri(token.uri("object=k;type=secret-key")), "--offline");

    assertExit(2, run);
    assertLine(
        run,
        "key-files",
        "error",
        token.pinFile()
            + " (provisioning.attestation.symmetric_key pin-source) is"
            + " accessible by group or others (mode 0644)",
        "chmod 600 " + token.pinFile());
    assertLine(run, "pkcs11", "skipped", "key-files failed", null);
  }

  private Device x509Device(Instant notAfter) throws Exception {
    TestPki.Leaf leaf =
        TestPki.rootCa("Check Root")
            .leaf(
                "check-x509",
                TestPki.KeyType.EC_P256,
                Instant.now().minus(Duration.ofDays(1)),
                notAfter);
    return new Device(home).endpoint(emulator).x509(leaf);
  }

  /**
   * An offline check of an X.509 device whose certificate ends {@code untilExpiry} from now reports
   * it with {@code status}, {@code expiry} and {@code fix} ({@code NOT_AFTER} and {@code CHAIN}
   * stand for the certificate's end and file) and exits with {@code exitCode}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          near its expiry, a warning | P10D  | 0 | warning | expires on NOT_AFTER, in 9 days | renew it before NOT_AFTER and install it in CHAIN
          expired, an error          | -PT1H | 2 | error   | expired on NOT_AFTER            | install a renewed certificate (and its chain) in CHAIN
          """)
  void aDeviceCertificateNearOrPastItsExpiryIsReportedWithItsFix(
      String when, Duration untilExpiry, int exitCode, String status, String expiry, String fix)
      throws Exception {
    Instant notAfter = Instant.now().plus(untilExpiry).truncatedTo(ChronoUnit.SECONDS);
    Path chain = home.resolve("device-chain.pem");

    CliRun run = check(x509Device(notAfter), "--offline");

    assertExit(exitCode, run);
    assertLine(
        run,
        "certificates",
        status,
        "device certificate CN=check-x509 in "
            + chain
            + " "
            + expiry.replace("NOT_AFTER", notAfter.toString()),
        fix.replace("NOT_AFTER", notAfter.toString()).replace("CHAIN", chain.toString()));
  }
}
