package io.dpsagent.e2e;

import static io.dpsagent.e2e.IssuedSets.assertSameBytes;
import static io.dpsagent.e2e.IssuedSets.awaitFailedAttempt;
import static io.dpsagent.e2e.IssuedSets.awaitFirstCertificate;
import static io.dpsagent.e2e.IssuedSets.awaitPast;
import static io.dpsagent.e2e.IssuedSets.awaitState;
import static io.dpsagent.e2e.IssuedSets.gone;
import static io.dpsagent.e2e.IssuedSets.leaf;
import static io.dpsagent.e2e.Runs.assertExit;
import static io.dpsagent.e2e.Runs.provisioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.agent.cli.CliRun;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.hsm.pem.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewal of an issued certificate by {@code dps-agent run}, against the emulator issuing
 * certificates valid for {@link #VALIDITY} and renewed at half their lifetime: a new certificate
 * before the old one expires, the set switched with {@code connection.json} always naming files in
 * place, the application connecting with the new certificate once the old one has expired (the
 * emulated hub takes only a valid certificate its CA issued), a rotated key, and a refused renewal
 * that leaves the set as it was while the daemon keeps serving.
 */
class CertificateRenewalTest {

  private static final String HUB = "localhost";
  private static final Duration VALIDITY = Duration.ofSeconds(20);

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> Emulators.startIssuing(HUB, VALIDITY));

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  @Test
  void theSameKeyGetsANewCertificateBeforeExpiryAndTheApplicationConnectsWithIt() throws Exception {
    Path key = home.resolve("renew-key.pem");
    assertRenewedWhileServing(
        "renew-same-key",
        key,
        false,
        renewal -> {
          IssuedCertificate first = renewal.first();
          Swap swap = renewal.swap();
          assertTrue(swap.at().isBefore(first.notAfter()), swap.at() + " vs " + first.notAfter());
          IssuedCertificate second = swap.renewed();
          X509Certificate secondLeaf = leaf(second.file());
          assertNotEquals(renewal.firstLeaf().getSerialNumber(), secondLeaf.getSerialNumber());
          assertTrue(second.notAfter().isAfter(first.notAfter()));
          assertEquals(first.file(), second.file(), "the same key is renewed in place");
          assertEquals(fingerprint(secondLeaf), second.sha256Fingerprint());
          assertArrayEquals(renewal.keyBefore(), Files.readAllBytes(key), "the key is kept");
          assertTrue(certifies(secondLeaf, readKey(key).orElseThrow()));
          assertStatusShowsRenewal(renewal.device());
        });
  }

  @Test
  void rotateKeyCertifiesANewKeyAndRetiresTheOldOneAfterTheSwitch() throws Exception {
    Path key = home.resolve("rotate-key.pem");
    assertRenewedWhileServing(
        "renew-rotate",
        key,
        true,
        renewal -> {
          IssuedCertificate first = renewal.first();
          PublicKey firstKey = renewal.firstLeaf().getPublicKey();
          Swap swap = renewal.swap();
          assertTrue(swap.at().isBefore(first.notAfter()));
          ConnectionInfo renewed = renewal.device().connection();
          Path newKey = Path.of(URI.create(renewed.hubAuth().references().get("privateKeyUri")));
          assertEquals(home.resolve("rotate-key.alt.pem"), newKey);
          assertEquals(
              renewal.device().outputDir.resolve("device-cert.alt.pem"), swap.renewed().file());
          X509Certificate secondLeaf = leaf(swap.renewed().file());
          assertNotEquals(firstKey, secondLeaf.getPublicKey(), "a new key");
          assertTrue(certifies(secondLeaf, readKey(newKey).orElseThrow()));
          assertEquals(
              fingerprint(secondLeaf), renewed.certificate().orElseThrow().sha256Fingerprint());
          // Removed right after the switch, which the watch may have seen first.
          assertTrue(gone(key), "the retired key is removed once the new set is written");
          assertTrue(gone(first.file()), "and its chain");
        });
  }

  @Test
  void aRenewalTheEmulatorRefusesKeepsTheSetAndTheDaemonServing() throws Exception {
    String id = "renew-refused";
    Device device = issuingDevice(id, home.resolve("refused-key.pem"), "renew_at_fraction = 0.5\n");
    RunningDaemon.whileServing(
        device.writeConfig(),
        daemon -> {
          awaitFirstCertificate(device);
          IssuingDevices.enrollAgain(emulator, device, false); // the next CSR is a 400
          Map<String, byte[]> before = snapshot(device);

          JsonNode failed = awaitFailedAttempt(device, VALIDITY.plusSeconds(10));

          assertEquals(
              "refused", failed.path("lastAttempt").path("kind").asText(), failed.toString());
          assertTrue(
              failed.path("lastAttempt").path("message").asText().contains("errorCode 400401"),
              failed.toString());
          assertEquals("ready", failed.path("phase").asText());
          assertTrue(
              Instant.parse(failed.path("certificateRenewalAt").asText())
                  .isAfter(Instant.parse(failed.path("lastAttempt").path("at").asText())),
              "a next attempt is planned: " + failed);
          assertFalse(daemon.run.isDone(), "the daemon keeps running");
          assertSameBytes(before, snapshot(device));
          assertStatusShowsRenewal(device);
        });
  }

  @Test
  void aCachedSetPastItsRenewalPointIsRenewedAtStart() throws Exception {
    String id = "renew-at-boot";
    Device device = issuingDevice(id, home.resolve("boot-key.pem"), "renew_at_fraction = 0.05\n");
    provisioned(device);
    IssuedCertificate cached = device.connection().certificate().orElseThrow();
    awaitPast(cached.notBefore().plus(VALIDITY.dividedBy(20)));

    Instant started = Instant.now();
    RunningDaemon.whileServing(
        device.writeConfig(),
        daemon -> {
          Swap swap = watchUntilRenewed(device, cached, false);

          assertTrue(
              Duration.between(started, swap.at()).compareTo(Duration.ofSeconds(8)) < 0,
              "renewed at start, " + Duration.between(started, swap.at()) + " after it");
        });
  }

  /** A renewal seen from outside: the set that replaced the first and when it was seen. */
  private record Swap(IssuedCertificate renewed, Instant at) {}

  /** A served device's first set, as it stood before the renewal, and the renewal. */
  private record Renewal(
      Device device,
      IssuedCertificate first,
      X509Certificate firstLeaf,
      byte[] keyBefore,
      Swap swap) {}

  /** What a test checks of a renewal while the daemon still serves. */
  private interface RenewalCheck {
    void check(Renewal renewal) throws Exception;
  }

  /**
   * Serves device {@code id} (its key at {@code key}, renewed at half its life, with a new key when
   * {@code rotating}) until its first certificate is renewed, then runs {@code check}; the
   * application must then connect with the renewed set after the first one expired.
   */
  private void assertRenewedWhileServing(String id, Path key, boolean rotating, RenewalCheck check)
      throws Exception {
    Device device =
        issuingDevice(
            id, key, "renew_at_fraction = 0.5\n" + (rotating ? "rotate_key = true\n" : ""));
    RunningDaemon.whileServing(
        device.writeConfig(),
        daemon -> {
          IssuedCertificate first = awaitFirstCertificate(device);
          X509Certificate firstLeaf = leaf(first.file());
          byte[] keyBefore = Files.readAllBytes(key);

          Swap swap = watchUntilRenewed(device, first, rotating);

          check.check(new Renewal(device, first, firstLeaf, keyBefore, swap));
          assertTheApplicationConnectsAfter(first.notAfter(), device, id);
        });
  }

  /**
   * Reads the set as an application would, every 20 ms until its certificate is another than {@code
   * first}. A reading counts when connection.json did not change while the files it names were read
   * (else the application would read again); each such reading must find the chain and the key it
   * names in place and matching, and with a rotated key also the recorded fingerprint.
   * connection.json itself must never be missing.
   */
  private Swap watchUntilRenewed(Device device, IssuedCertificate first, boolean rotating)
      throws Exception {
    Path json = device.outputDir.resolve("connection.json");
    Instant deadline = Instant.now().plus(VALIDITY).plusSeconds(10);
    int readings = 0;
    for (int i = 0; i < 5_000 && Instant.now().isBefore(deadline); i++) {
      byte[] before = Files.readAllBytes(json); // NoSuchFileException fails the test
      ConnectionInfo set = ConnectionInfo.read(json);
      IssuedCertificate issued = set.certificate().orElseThrow();
      Optional<X509Certificate> chainLeaf = readLeaf(issued.file());
      Path keyFile = Path.of(URI.create(set.hubAuth().references().get("privateKeyUri")));
      Optional<PrivateKey> key = readKey(keyFile);
      if (!Arrays.equals(before, Files.readAllBytes(json))) {
        continue; // switched while being read: an application reads again
      }
      readings++;
      assertTrue(chainLeaf.isPresent(), "connection.json names a missing chain " + issued.file());
      assertTrue(key.isPresent(), "connection.json names a missing key " + keyFile);
      assertTrue(certifies(chainLeaf.get(), key.get()), "chain and key of one set");
      if (rotating) {
        assertEquals(fingerprint(chainLeaf.get()), issued.sha256Fingerprint());
      }
      if (!issued.sha256Fingerprint().equals(first.sha256Fingerprint())) {
        return new Swap(issued, Instant.now());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no renewal within " + VALIDITY.plusSeconds(10) + ", " + readings);
  }

  private static Optional<X509Certificate> readLeaf(Path file) throws IOException {
    try {
      return Optional.of(Pem.requireCertificates(file).get(0));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The key file's key; never one generated in its place (it may be retired meanwhile). */
  private static Optional<PrivateKey> readKey(Path file) throws Exception {
    String pem;
    try {
      pem = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Pem.privateKey(pem);
  }

  /** Whether {@code leaf} certifies {@code key}: a signature by the key verifies with the leaf. */
  private static boolean certifies(X509Certificate leaf, PrivateKey key) throws Exception {
    byte[] data = "renewal".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(leaf.getPublicKey());
    verifier.update(data);
    return verifier.verify(signature);
  }

  /** Once {@code expiry} has passed, the hub takes only a later certificate: the renewed one. */
  private void assertTheApplicationConnectsAfter(Instant expiry, Device device, String id)
      throws Exception {
    awaitPast(expiry.plusSeconds(1));
    long sent = emulator.hubs().state(HUB).orElseThrow().messages(id);
    assertEquals(0, RecipeApplication.run(device, emulator, HUB).exitCode());
    assertEquals(sent + 1, emulator.hubs().state(HUB).orElseThrow().messages(id));
  }

  private static void assertStatusShowsRenewal(Device device) throws Exception {
    IssuedCertificate current = device.connection().certificate().orElseThrow();
    // The daemon records the next renewal just after the new set is written: wait for the record
    // of this certificate (renewal due at half its lifetime), not the one of the certificate
    // before.
    Instant quarter =
        current
            .notBefore()
            .plus(Duration.between(current.notBefore(), current.notAfter()).dividedBy(4));
    JsonNode state =
        awaitState(
            device,
            VALIDITY.plusSeconds(10),
            s ->
                s.hasNonNull("certificateRenewalAt")
                    && Instant.parse(s.path("certificateRenewalAt").asText()).isAfter(quarter));
    CliRun status = CliRun.of("status", "--config", device.writeConfig());
    assertExit(0, status);
    assertTrue(
        status.stdout().contains(" expires " + current.notAfter() + " (sha256 "), status.stdout());
    assertTrue(
        status.stdout().contains("renewal due:   " + state.path("certificateRenewalAt").asText()),
        status.stdout());
  }

  /** The output files (by name) and the key file the set names (by path). */
  private static Map<String, byte[]> snapshot(Device device) throws Exception {
    Map<String, byte[]> files = new TreeMap<>(IssuedSets.outputs(device));
    Path key = Path.of(URI.create(device.connection().hubAuth().references().get("privateKeyUri")));
    files.put(key.toString(), Files.readAllBytes(key));
    return files;
  }

  private Device issuingDevice(String id, Path key, String renewal) throws IOException {
    return IssuingDevices.symmetricKey(emulator, home, id, "https", true)
        .config(IssuingDevices.issuanceTable(key.toUri().toString(), renewal));
  }

  private static String fingerprint(X509Certificate certificate) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
  }
}
