package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.testing.Swtpm;
import io.dpsagent.hsm.testing.TpmChallengeBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tss.tpm.TPM2B_PUBLIC;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;

/** The TPM attestor against a factory-fresh swtpm: key provisioning, activation, signing. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TpmAttestorTest {

  @RegisterExtension static final ClassFixture<Swtpm> TPM = ClassFixture.of(Swtpm::start);

  private static final String INTEGRITY_FAILURE =
      "TPM ActivateCredential(SRK 0x81000001, EK 0x81010001) failed: TPM_RC_INTEGRITY"
          + " (0x1DF, parameter 1): an integrity check failed: the data was not made for this"
          + " TPM's keys or was altered";

  private static TpmAttestor open() throws HsmException {
    return TpmAttestor.open(TPM.get().tcti(), TpmSettings.defaults());
  }

  @Test
  @Order(1)
  void createsAndPersistsEndorsementAndStorageRootKeysThenReusesThem() throws Exception {
    byte[] ek;
    byte[] srk;
    try (TpmAttestor attestor = open()) {
      ek = attestor.endorsementKey();
      srk = attestor.storageRootKey();
      assertEquals(List.of(), attestor.loadedHandles());
    }
    TPMT_PUBLIC ekPublic = TPM2B_PUBLIC.fromBytes(ek).publicArea;
    assertEquals(316, ek.length);
    assertEquals(ek.length - 2, ((ek[0] & 0xff) << 8) | (ek[1] & 0xff));
    assertEquals(TPM_ALG_ID.RSA, ekPublic.type());
    assertArrayEquals(KeyTemplates.EK_POLICY, ekPublic.authPolicy);
    assertEquals(0x000300B2, ekPublic.objectAttributes.toInt());
    assertEquals(2048, ((TPMS_RSA_PARMS) ekPublic.parameters).keyBits);
    TPMT_PUBLIC srkPublic = TPM2B_PUBLIC.fromBytes(srk).publicArea;
    assertEquals(0x00030472, srkPublic.objectAttributes.toInt());
    assertEquals(0, srkPublic.authPolicy.length);

    try (TpmAttestor again = open()) {
      assertArrayEquals(ek, again.endorsementKey());
      assertArrayEquals(srk, again.storageRootKey());
    }
  }

  @Test
  @Order(2)
  void endorsementKeyBytesEqualWhatTpm2ToolsReads(@TempDir Path dir) throws Exception {
    byte[] ek;
    String registrationId;
    try (TpmAttestor attestor = open()) {
      ek = attestor.endorsementKey();
      registrationId = attestor.registrationId();
    }
    Path out = dir.resolve("ek.pub");
    Process readPublic =
        new ProcessBuilder(
                "tpm2_readpublic",
                "-T",
                TPM.get().tcti().toString(),
                "-c",
                "0x81010001",
                "-o",
                out.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").toFile())
            .start();
    assertTrue(readPublic.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, readPublic.exitValue(), Files.readString(dir.resolve("log")));
    assertArrayEquals(Files.readAllBytes(out), ek);
    assertEquals(52, registrationId.length());
    assertTrue(registrationId.matches("[a-z2-7]{52}"), registrationId);
    assertEquals(RegistrationIds.fromEndorsementKey(Files.readAllBytes(out)), registrationId);
  }

  @Test
  @Order(3)
  void freshTpmHasNoEndorsementCertificateAndNoIdentityKey() throws Exception {
    try (TpmAttestor attestor = open()) {
      assertFalse(attestor.endorsementCertificate().isPresent());
      HsmException e = assertThrows(HsmException.class, attestor::signer);
      assertEquals(
          "no identity key is persisted at 0x81000100; it is stored there by a successful"
              + " DPS TPM attestation",
          e.getMessage());
    }
  }

  @Test
  @Order(4)
  void activationImportsTheKeyAndTheTpmComputesTheSameHmac() throws Exception {
    byte[] key = TpmChallengeBuilder.randomKey();
    try (TpmAttestor attestor = open()) {
      byte[] blob = TpmChallengeBuilder.forDevice(attestor).build(key);
      SasSigner signer = attestor.activate(blob);
      assertSignsLike(key, signer);
      assertSignsLike(key, attestor.signer());
      assertEquals(List.of(), attestor.loadedHandles());
    }
    try (TpmAttestor reopened = open()) {
      assertSignsLike(key, reopened.signer());
    }
  }

  @Test
  @Order(5)
  void secondActivationReplacesTheIdentityKey() throws Exception {
    byte[] first = TpmChallengeBuilder.randomKey();
    byte[] second = TpmChallengeBuilder.randomKey();
    try (TpmAttestor attestor = open()) {
      TpmChallengeBuilder builder = TpmChallengeBuilder.forDevice(attestor);
      attestor.activate(builder.build(first));
      SasSigner signer = attestor.activate(builder.build(second));
      assertSignsLike(second, signer);
      assertSignsLike(second, attestor.signer());
      byte[] data =
          "0ne00ABCDEF%2fregistrations%2fdev\n1767225600".getBytes(StandardCharsets.UTF_8);
      assertFalse(Arrays.equals(hmac(first, data), signer.sign(data)));
      assertEquals(List.of(), attestor.loadedHandles());
    }
  }

  @Test
  @Order(6)
  void blobWithAMismatchedPublicPartIsRefusedWithBindingAndLeavesNothingLoaded() throws Exception {
    try (TpmAttestor attestor = open()) {
      byte[] before = attestor.signer().sign(new byte[] {1});
      byte[] blob =
          TpmChallengeBuilder.forDevice(attestor)
              .wrongUnique()
              .build(TpmChallengeBuilder.randomKey());
      TpmException e =
          assertActivationRefused(
              attestor,
              blob,
              "TPM Import(identity key under SRK 0x81000001) failed: TPM_RC_BINDING (0x0A5):"
                  + " the public and private parts of the key do not belong together");
      assertEquals(TpmResponseCode.Category.INTEGRITY, e.category());
      assertArrayEquals(before, attestor.signer().sign(new byte[] {1}), "old key kept");
    }
  }

  @Test
  @Order(7)
  void credentialBoundToAnotherKeyIsRefusedByActivateCredential() throws Exception {
    try (TpmAttestor attestor = open()) {
      byte[] blob =
          TpmChallengeBuilder.forDevice(attestor)
              .credentialBoundTo(attestor.endorsementKey())
              .build(TpmChallengeBuilder.randomKey());
      assertActivationRefused(attestor, blob, INTEGRITY_FAILURE);
    }
  }

  @Test
  @Order(8)
  void corruptedBlobsFailWithExactMessagesAndLeaveNothingLoaded() throws Exception {
    try (TpmAttestor attestor = open()) {
      byte[] blob = TpmChallengeBuilder.forDevice(attestor).build(TpmChallengeBuilder.randomKey());
      int part1 = ((blob[0] & 0xff) << 8) | (blob[1] & 0xff);
      assertActivationFails(
          attestor,
          Arrays.copyOf(blob, 1),
          "TPM activation blob: part 1 (TPM2B_ID_OBJECT) is missing: the blob ends inside its"
              + " 2-byte size");
      assertActivationFails(
          attestor,
          Arrays.copyOf(blob, 40),
          "TPM activation blob: part 1 (TPM2B_ID_OBJECT) claims " + part1 + " bytes but 38 remain");
      assertActivationFails(
          attestor,
          Arrays.copyOf(blob, 2 + part1),
          "TPM activation blob: part 2 (TPM2B_ENCRYPTED_SECRET) is missing: the blob ends before it");
      assertActivationFails(
          attestor,
          Arrays.copyOf(blob, blob.length - 3),
          "TPM activation blob: part 6 (TPM2B_DATA) claims 33 bytes but 30 remain");
      assertActivationFails(
          attestor,
          Arrays.copyOf(blob, blob.length + 2),
          "TPM activation blob: 2 unexpected bytes after part 6 (TPM2B_DATA)");
      byte[] garbage = new byte[300];
      new Random(7).nextBytes(garbage);
      garbage[0] = 0x7f;
      garbage[1] = (byte) 0xa8;
      assertActivationFails(
          attestor,
          garbage,
          "TPM activation blob: part 1 (TPM2B_ID_OBJECT) claims 32680 bytes but 298 remain");
      byte[] flipped = blob.clone();
      flipped[10] ^= 0x01; // inside the credential's integrity HMAC
      assertActivationRefused(attestor, flipped, INTEGRITY_FAILURE);
    }
  }

  @Test
  @Order(9)
  void identityKeyHandleIsConfigurable() throws Exception {
    byte[] key = TpmChallengeBuilder.randomKey();
    TpmSettings settings = TpmSettings.defaults().withAuthKeyIndex(0x123);
    assertEquals(0x81000123, settings.identityKeyHandle());
    byte[] defaultKeySignature;
    try (TpmAttestor attestor = open()) {
      defaultKeySignature = attestor.signer().sign(new byte[] {5});
    }
    try (TpmAttestor attestor = TpmAttestor.open(TPM.get().tcti(), settings)) {
      attestor.activate(TpmChallengeBuilder.forDevice(attestor).build(key));
      assertSignsLike(key, attestor.signer());
    }
    try (TpmAttestor attestor = open()) {
      assertArrayEquals(defaultKeySignature, attestor.signer().sign(new byte[] {5}));
    }
  }

  @Test
  @Order(10)
  void afterAPowerCycleThePersistentKeysRemain() throws Exception {
    byte[] ek;
    byte[] signature;
    try (TpmAttestor attestor = open()) {
      ek = attestor.endorsementKey();
      signature = attestor.signer().sign(new byte[] {6});
    }
    TPM.get().powerCycle();
    try (TpmAttestor attestor = open()) {
      assertArrayEquals(ek, attestor.endorsementKey());
      assertArrayEquals(signature, attestor.signer().sign(new byte[] {6}));
    }
  }

  private static void assertActivationFails(Attestor attestor, byte[] blob, String message)
      throws HsmException {
    HsmException e = assertThrows(HsmException.class, () -> attestor.activate(blob));
    assertEquals(HsmException.class, e.getClass());
    assertEquals(message, e.getMessage());
    assertEquals(List.of(), ((TpmAttestor) attestor).loadedHandles());
  }

  /** The TPM refuses {@code blob} with {@code message}, and no object is left loaded. */
  static TpmException assertActivationRefused(TpmAttestor attestor, byte[] blob, String message)
      throws HsmException {
    TpmException e = assertThrows(TpmException.class, () -> attestor.activate(blob));
    assertEquals(message, e.getMessage());
    assertEquals(List.of(), attestor.loadedHandles());
    return e;
  }

  private static void assertSignsLike(byte[] key, SasSigner signer) throws Exception {
    Random random = new Random(42);
    for (int length : new int[] {0, 1, 47, 1024, 1025, 2048, 3000}) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      assertArrayEquals(hmac(key, data), signer.sign(data), "HMAC of " + length + " bytes");
    }
  }

  static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
