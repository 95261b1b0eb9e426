package io.dpsagent.emulator.tpm;

import static io.dpsagent.emulator.tpm.TpmCrypto.aesCfbEncrypt;
import static io.dpsagent.emulator.tpm.TpmCrypto.hmacSha256;
import static io.dpsagent.emulator.tpm.TpmCrypto.kdfa;
import static io.dpsagent.emulator.tpm.TpmCrypto.oaepEncrypt;
import static io.dpsagent.emulator.tpm.TpmCrypto.sha256;
import static io.dpsagent.emulator.tpm.TpmWriter.concat;
import static io.dpsagent.emulator.tpm.TpmWriter.tpm2b;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The {@code authenticationKey} DPS sends a TPM device: an HMAC key that only the TPM holding a
 * given EK can load, as a child of its SRK.
 *
 * <p>Six TPM2B elements, concatenated: the credential ({@code TPM2B_ID_OBJECT}) and its encrypted
 * seed, both for {@code TPM2_ActivateCredential} with the EK; the duplicated key ({@code
 * TPM2B_PRIVATE}), its encrypted seed and its public area, for {@code TPM2_Import} under the SRK;
 * and an encrypted URI. The credential is the inner wrapper key of the duplicate, so that the
 * import needs the EK as well as the SRK. The credential is bound to the SRK's name because clients
 * activate it with the SRK as the activation object.
 */
public final class ActivationBlobBuilder {

  /** {@code sign | userWithAuth | noDA}: importable (neither fixedTPM nor fixedParent). */
  static final int IDENTITY_KEY_ATTRIBUTES = (1 << 18) | (1 << 10) | (1 << 6);

  private static final int SEED_BYTES = 32;
  private static final int INNER_KEY_BYTES = 16;
  private static final int AES_BITS = 128;
  private static final int SHA256_BITS = 256;
  private static final byte[] EMPTY = new byte[0];
  // What item 6 holds on the real service is not known; clients never use it.
  private static final byte[] URI = "dps-emulator".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  public ActivationBlobBuilder() {
    this(new SecureRandom());
  }

  ActivationBlobBuilder(SecureRandom random) {
    this.random = random;
  }

  /**
   * Builds a blob carrying {@code hmacKey} for the TPM owning {@code endorsementKey} and {@code
   * storageRootKey}.
   *
   * @param hmacKey the key the device's TPM will sign with; 32 bytes in practice
   */
  public byte[] build(TpmPublic endorsementKey, TpmPublic storageRootKey, byte[] hmacKey) {
    byte[] seedValue = randomBytes(SEED_BYTES);
    byte[] identityPublic = identityKeyPublic(seedValue, hmacKey);
    byte[] identityName = TpmCrypto.name(identityPublic);
    byte[] sensitive = tpm2b(sensitiveArea(seedValue, hmacKey));

    byte[] innerKey = randomBytes(INNER_KEY_BYTES);
    byte[] innerWrapped =
        aesCfbEncrypt(innerKey, concat(tpm2b(sha256(concat(sensitive, identityName))), sensitive));

    byte[] duplicationSeed = randomBytes(SEED_BYTES);
    byte[] encryptedDuplicationSeed =
        oaepEncrypt(storageRootKey.rsaKey(), duplicationSeed, "DUPLICATE");
    byte[] duplicate = outerWrap(duplicationSeed, identityName, innerWrapped);

    byte[] credentialSeed = randomBytes(SEED_BYTES);
    byte[] encryptedCredentialSeed =
        oaepEncrypt(endorsementKey.rsaKey(), credentialSeed, "IDENTITY");
    byte[] credential = outerWrap(credentialSeed, storageRootKey.name(), tpm2b(innerKey));

    return new TpmWriter()
        .sized(credential)
        .sized(encryptedCredentialSeed)
        .sized(duplicate)
        .sized(encryptedDuplicationSeed)
        .sized(identityPublic)
        .sized(aesCfbEncrypt(innerKey, URI))
        .toByteArray();
  }

  /**
   * The outer wrapper TPM2_Import and TPM2_ActivateCredential both check: {@code B2(HMAC) ‖
   * CFB(secret)}, keys derived from {@code seed} and bound to the name of the object involved.
   */
  private static byte[] outerWrap(byte[] seed, byte[] name, byte[] secret) {
    byte[] symmetricKey = kdfa(seed, "STORAGE", name, EMPTY, AES_BITS);
    byte[] encrypted = aesCfbEncrypt(symmetricKey, secret);
    byte[] hmacKey = kdfa(seed, "INTEGRITY", EMPTY, EMPTY, SHA256_BITS);
    byte[] integrity = hmacSha256(hmacKey, concat(encrypted, name));
    return concat(tpm2b(integrity), encrypted);
  }

  /**
   * A KEYEDHASH object for HMAC-SHA256 whose {@code unique} binds it to its sensitive part:
   * SHA-256(seedValue ‖ key), which TPM2_Import recomputes.
   */
  static byte[] identityKeyPublic(byte[] seedValue, byte[] hmacKey) {
    return new TpmWriter()
        .u16(TpmAlgorithms.KEYEDHASH)
        .u16(TpmAlgorithms.SHA256)
        .u32(IDENTITY_KEY_ATTRIBUTES)
        .sized(EMPTY) // authPolicy
        .u16(TpmAlgorithms.HMAC)
        .u16(TpmAlgorithms.SHA256)
        .sized(sha256(concat(seedValue, hmacKey)))
        .toByteArray();
  }

  /** {@code TPMT_SENSITIVE}: type, empty authValue, seedValue, the key itself. */
  private static byte[] sensitiveArea(byte[] seedValue, byte[] hmacKey) {
    return new TpmWriter()
        .u16(TpmAlgorithms.KEYEDHASH)
        .sized(EMPTY)
        .sized(seedValue)
        .sized(hmacKey)
        .toByteArray();
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
