package io.dpsagent.e2e;

import static io.dpsagent.e2e.IssuedSets.assertSameBytes;
import static io.dpsagent.e2e.IssuedSets.awaitFailedAttempt;
import static io.dpsagent.e2e.IssuedSets.awaitFirstCertificate;
import static io.dpsagent.e2e.IssuedSets.awaitPast;
import static io.dpsagent.e2e.IssuedSets.leaf;
import static io.dpsagent.e2e.IssuedSets.outputs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.IssuedCertificate;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.example.KeyHomeHubConnection;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception;
import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.tpm.TpmSigningKey;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code rotate_key} for keys that never leave their chip, under {@code dps-agent run} against the
 * emulator issuing short-lived certificates renewed at 60% of their life (so that no renewal runs
 * while the application connects after an expiry): with a swtpm key (the second handle {@code
 * rotate_handle}) and a SoftHSM2 key pair ({@code <label>.alt}) the renewal certifies a new key
 * made in the chip, {@code connection.json} switches to it, the old handle or pair is gone after
 * the switch, a restarted daemon keeps the key connection.json names, the application connects with
 * the new certificate and the next rotation goes back to the configured place; a refused renewal
 * leaves the old key and every output as they were and removes the new key.
 */
class ChipKeyRotationTest {

  private static final String HUB = "localhost";
  private static final Duration VALIDITY = Duration.ofSeconds(16);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> Emulators.startIssuing(HUB, VALIDITY));

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private static final SoftHsm.Token TOKEN = SoftHsm.newToken();

  private final DpsEmulator emulator = EMULATOR.get();

  @TempDir Path home;

  @ParameterizedTest
  @ValueSource(strings = {"tpm", "pkcs11"})
  void aRenewalCertifiesANewChipKeyAndRetiresTheOldOneAfterTheSwitch(String kind) throws Exception {
    KeyHome keys = keyHome(kind, "rotated", 0x81000121);
    String id = "rotate-" + kind;
    Device device = issuingDevice(id, keys);
    Rotated rotated =
        RunningDaemon.readWhileServing(
            device.writeConfig(),
            daemon -> {
              IssuedCertificate first = awaitFirstCertificate(device);
              PublicKey firstKey = keys.publicKey(keys.key()).orElseThrow();
              assertEquals(firstKey, leaf(first.file()).getPublicKey());

              ConnectionInfo renewed = awaitRenewal(device, first);

              assertTrue(Instant.now().isBefore(first.notAfter()), "renewed before the expiry");
              assertEquals(keys.alternate(), KeyUri.parse(privateKeyUri(renewed)).toString());
              assertEquals(device.outputDir.resolve("device-cert.alt.pem"), chain(renewed));
              X509Certificate newLeaf = leaf(chain(renewed));
              assertNotEquals(firstKey, newLeaf.getPublicKey(), "a new key");
              assertEquals(
                  keys.publicKey(keys.alternate()).orElseThrow(),
                  newLeaf.getPublicKey(),
                  "the new certificate is for the chip's new object");
              assertTrue(gone(keys, keys.key()), "the old key is retired after the switch");
              assertTrue(IssuedSets.gone(first.file()), "and its chain");
              return new Rotated(
                  first, Files.readAllBytes(device.outputDir.resolve("connection.json")));
            });
    IssuedCertificate first = rotated.first();
    byte[] renewedSet = rotated.connectionJson();

    // A restart serves the set connection.json names, with the key at its alternate location.
    RunningDaemon.whileServing(
        device.writeConfig(),
        restarted -> {
          awaitServingFromCache(device);
          assertArrayEquals(
              renewedSet, Files.readAllBytes(device.outputDir.resolve("connection.json")));
          assertEquals(
              Optional.empty(), keys.publicKey(keys.key()), "no key made at the old place");

          awaitPast(first.notAfter().plusSeconds(1)); // the hub now takes only the renewed one
          long sent = emulator.hubs().state(HUB).orElseThrow().messages(id);
          KeyHomeHubConnection.connectAndSend(
              device.outputDir, hubPort(), emulator.caFile(), identity(device, keys));
          assertEquals(sent + 1, emulator.hubs().state(HUB).orElseThrow().messages(id));

          // The next rotation goes back to the configured location.
          ConnectionInfo back =
              awaitRenewal(
                  device,
                  ConnectionInfo.read(device.outputDir.resolve("connection.json"))
                      .certificate()
                      .orElseThrow());
          assertEquals(keys.key(), KeyUri.parse(privateKeyUri(back)).toString());
          assertEquals(keys.publicKey(keys.key()).orElseThrow(), leaf(chain(back)).getPublicKey());
          assertTrue(gone(keys, keys.alternate()), "the alternate is retired in its turn");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"tpm", "pkcs11"})
  void aRefusedRotationKeepsTheOldKeyAndOutputsAndRemovesTheNewKey(String kind) throws Exception {
    KeyHome keys = keyHome(kind, "refused", 0x81000131);
    Device device = issuingDevice("rotate-refused-" + kind, keys);
    RunningDaemon.whileServing(
        device.writeConfig(),
        daemon -> {
          awaitFirstCertificate(device);
          PublicKey oldKey = keys.publicKey(keys.key()).orElseThrow();
          IssuingDevices.enrollAgain(emulator, device, false); // the next CSR is a 400
          Map<String, byte[]> before = outputs(device);

          JsonNode failed = awaitFailedAttempt(device, VALIDITY.plusSeconds(10));

          assertEquals(
              "refused", failed.path("lastAttempt").path("kind").asText(), failed.toString());
          assertEquals(keys.key(), KeyUri.parse(privateKeyUri(device.connection())).toString());
          assertEquals(Optional.of(oldKey), keys.publicKey(keys.key()), "the old key stays");
          assertEquals(
              Optional.empty(), keys.publicKey(keys.alternate()), "the new key is removed");
          assertSameBytes(before, outputs(device));
        });
  }

  /** The first certificate, and the connection.json of the rotation that replaced it. */
  private record Rotated(IssuedCertificate first, byte[] connectionJson) {}

  /** A key in a chip: its URI, the alternate the agent rotates into, and the chip's view of it. */
  private interface KeyHome {
    String key();

    String alternate();

    /** The lines after {@code key} in the issuance table, and any table the home needs. */
    String config();

    KeyOptions options();

    /** The public key of the object {@code uri} names, read from the chip; empty when absent. */
    Optional<PublicKey> publicKey(String uri) throws Exception;
  }

  private static KeyHome keyHome(String kind, String label, int handle) {
    return kind.equals("tpm") ? tpmHome(handle) : tokenHome(label);
  }

  private static KeyHome tpmHome(int handle) {
    return new KeyHome() {
      @Override
      public String key() {
        return String.format("tpm:handle=0x%08X", handle);
      }

      @Override
      public String alternate() {
        return String.format("tpm:handle=0x%08X", handle + 1);
      }

      @Override
      public String config() {
        return String.format("rotate_handle = 0x%08X\n", handle + 1)
            + "[tpm]\ntcti = \""
            + TPM.get().tcti()
            + "\"\n";
      }

      @Override
      public KeyOptions options() {
        return KeyOptions.defaults().withTpmTcti(TPM.get().tcti());
      }

      @Override
      public Optional<PublicKey> publicKey(String uri) throws Exception {
        return TpmSigningKeys.find(
                TPM.get().tcti(), TpmTimeouts.defaults(), KeyUri.parse(uri).tpm().handle())
            .map(TpmSigningKey::publicKey);
      }
    };
  }

  private static KeyHome tokenHome(String label) {
    return new KeyHome() {
      @Override
      public String key() {
        return Pkcs11Uri.parse(TOKEN.uri("object=" + label + ";type=private")).toString();
      }

      @Override
      public String alternate() {
        return Pkcs11Uri.parse(TOKEN.uri("object=" + label + ".alt;type=private")).toString();
      }

      @Override
      public String config() {
        return "";
      }

      @Override
      public KeyOptions options() {
        return KeyOptions.defaults();
      }

      /** The certificate stored with the private key certifies the token's key. */
      @Override
      public Optional<PublicKey> publicKey(String uri) throws Exception {
        try {
          return Optional.of(TOKEN.open().tlsIdentity(Pkcs11Uri.parse(uri)).leaf().getPublicKey());
        } catch (Pkcs11Exception e) {
          if (e.pkcs11Kind() == Pkcs11Exception.Kind.OBJECT_NOT_FOUND) {
            return Optional.empty();
          }
          throw e;
        }
      }
    };
  }

  private Device issuingDevice(String id, KeyHome keys) throws Exception {
    return IssuingDevices.symmetricKey(emulator, home, id, "https", true)
        .config(
            IssuingDevices.issuanceTable(
                keys.key(), "renew_at_fraction = 0.6\nrotate_key = true\n" + keys.config()));
  }

  /** The application's identity: the key and chain connection.json names, through Keys. */
  private static TlsIdentity identity(Device device, KeyHome keys) throws Exception {
    ConnectionInfo set = device.connection();
    return Keys.tlsIdentity(
        Optional.of(KeyUri.parse(set.hubAuth().references().get("certificateUri"))),
        KeyUri.parse(privateKeyUri(set)),
        keys.options());
  }

  private static String privateKeyUri(ConnectionInfo set) {
    return set.hubAuth().references().get("privateKeyUri");
  }

  private static Path chain(ConnectionInfo set) {
    return set.certificate().orElseThrow().file();
  }

  /** The set once its certificate is another than {@code first}; read every 50 ms. */
  private static ConnectionInfo awaitRenewal(Device device, IssuedCertificate first)
      throws Exception {
    Instant deadline = Instant.now().plus(VALIDITY).plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      ConnectionInfo set = device.connection();
      if (!set.certificate().orElseThrow().sha256Fingerprint().equals(first.sha256Fingerprint())) {
        return set;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no renewal within " + VALIDITY.plusSeconds(10));
  }

  /** Waits until a daemon started after the last one serves the cached set. */
  private static void awaitServingFromCache(Device device) throws Exception {
    Path file = device.outputDir.resolve("state.json");
    Instant started = Instant.now();
    for (int i = 0; i < 200; i++) {
      if (Files.exists(file)) {
        JsonNode state = JSON.readTree(Files.readAllBytes(file));
        if (!Instant.parse(state.path("startedAt").asText()).isBefore(started.minusSeconds(1))
            && state.path("source").asText().equals("cache")
            && state.path("phase").asText().equals("ready")) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the restarted daemon did not serve the cached set within 10 s");
  }

  /** Whether the chip object {@code uri} names is absent, or goes within 5 s. */
  private static boolean gone(KeyHome keys, String uri) throws Exception {
    for (int i = 0; i < 100 && keys.publicKey(uri).isPresent(); i++) {
      Thread.sleep(50);
    }
    return keys.publicKey(uri).isEmpty();
  }

  private int hubPort() {
    return emulator.hubs().port(HUB).orElseThrow();
  }
}
