package io.dpsagent.hsm.tpm;

import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a TPM shows of a persistent signing key: its public half and its attributes; the private
 * half never leaves the TPM.
 *
 * @param handle the persistent handle
 * @param type ECC P-256 or RSA 2048
 * @param publicKey the public key, as a certificate for this key must carry it
 * @param attributes the TPMA_OBJECT bits set, spelled as in the spec ({@code fixedTPM}, ...)
 */
public record TpmSigningKey(
    int handle, TpmKeyType type, PublicKey publicKey, Set<String> attributes) {

  public TpmSigningKey {
    attributes = Collections.unmodifiableSet(new LinkedHashSet<>(attributes)); // spec order
  }

  /**
   * True when the TPM refuses to let the key out in any form: {@code fixedTPM} and {@code
   * fixedParent} (TPM2_Duplicate is refused) and {@code sensitiveDataOrigin} (no one else ever held
   * the private key).
   */
  public boolean nonDuplicable() {
    return attributes.containsAll(Set.of("fixedTPM", "fixedParent", "sensitiveDataOrigin"));
  }

  @Override
  public String toString() {
    return "TpmSigningKey[" + TpmConnection.hex(handle) + ", " + type + ", " + attributes + "]";
  }
}
