package io.dpsagent.hsm.keys;

import io.dpsagent.common.AtomicFiles;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.Pkcs11FactorySteps;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Retires the key of an operational certificate where it lives, the counterpart of the generation
 * in {@link CertificateRequests}: a key file is removed, a token's key pair destroyed, a persistent
 * TPM key evicted. Only for a key no certificate in use names any more (a rotated-out key, or one a
 * failed rotation made): what is destroyed here cannot be brought back.
 */
public final class CertificateKeys {

  private CertificateKeys() {}

  /**
   * Destroys the key {@code key} names.
   *
   * @return false when there was no such key
   * @throws HsmException naming the key when its home refuses (for the TPM also when the handle is
   *     an attestation handle or holds something other than a signing key, which stays)
   */
  public static boolean destroy(KeyUri key, KeyOptions options) throws HsmException {
    return switch (key.scheme()) {
      case FILE -> deleteFile(key);
      case PKCS11 -> destroyTokenPair(key, options);
      case TPM -> evictTpmKey(key, options);
    };
  }

  // One method per home, as in Keys: a home's classes load only when its key is retired.
  private static boolean destroyTokenPair(KeyUri key, KeyOptions options) throws HsmException {
    return Pkcs11FactorySteps.open(key.pkcs11(), options.pkcs11Module().orElse(null))
        .destroyKeyPair(key.pkcs11());
  }

  private static boolean evictTpmKey(KeyUri key, KeyOptions options) throws HsmException {
    return TpmSigningKeys.evict(
        key.tpm(), options.tpmTcti(), options.tpmSettings(), options.tpmTimeouts());
  }

  private static boolean deleteFile(KeyUri key) throws HsmException {
    boolean present = Files.exists(key.path());
    try {
      AtomicFiles.delete(key.path());
    } catch (IOException e) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE,
          "cannot remove the key file " + key + ": " + e.getMessage());
    }
    return present;
  }
}
