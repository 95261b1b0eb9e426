package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.KeyAlgorithm;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_NULL_KDF_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;

/**
 * The signing keys a device can create under its SRK for an X.509 identity, and their TPM
 * templates.
 *
 * <p>Both are unrestricted signing keys without a fixed scheme (the scheme is chosen per signature:
 * ECDSA, RSASSA-PKCS1-v1_5 or RSASSA-PSS, always SHA-256), {@code fixedTPM} and {@code fixedParent}
 * (the key can never be duplicated out of this TPM), {@code sensitiveDataOrigin} (the TPM made the
 * private part) and {@code userWithAuth} with an empty auth value.
 */
public enum TpmKeyType {
  ECC_P256("ecc-p256"),
  RSA_2048("rsa-2048");

  private final String text;

  TpmKeyType(String text) {
    this.text = text;
  }

  /**
   * Parses {@code ecc-p256} or {@code rsa-2048}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static TpmKeyType parse(String text) {
    for (TpmKeyType type : values()) {
      if (type.text.equals(text.strip().toLowerCase(Locale.ROOT))) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown TPM key type '"
            + text
            + "'; use "
            + Arrays.stream(values()).map(t -> t.text).collect(Collectors.joining(" or ")));
  }

  /** The type of a TPM object's public area, when it is one of these. */
  static Optional<TpmKeyType> of(TPMT_PUBLIC area) {
    if (area.parameters instanceof TPMS_ECC_PARMS ecc && ecc.curveID == TPM_ECC_CURVE.NIST_P256) {
      return Optional.of(ECC_P256);
    }
    if (area.parameters instanceof TPMS_RSA_PARMS rsa && rsa.keyBits == 2048) {
      return Optional.of(RSA_2048);
    }
    return Optional.empty();
  }

  public KeyAlgorithm algorithm() {
    return switch (this) {
      case ECC_P256 -> KeyAlgorithm.EC;
      case RSA_2048 -> KeyAlgorithm.RSA;
    };
  }

  TPMT_PUBLIC template() {
    TPMA_OBJECT attributes =
        new TPMA_OBJECT(
            TPMA_OBJECT.fixedTPM,
            TPMA_OBJECT.fixedParent,
            TPMA_OBJECT.sensitiveDataOrigin,
            TPMA_OBJECT.userWithAuth,
            TPMA_OBJECT.sign);
    TPMT_SYM_DEF_OBJECT noSymmetric = new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL);
    return switch (this) {
      case ECC_P256 ->
          new TPMT_PUBLIC(
              TPM_ALG_ID.SHA256,
              attributes,
              new byte[0],
              new TPMS_ECC_PARMS(
                  noSymmetric,
                  new TPMS_NULL_ASYM_SCHEME(),
                  TPM_ECC_CURVE.NIST_P256,
                  new TPMS_NULL_KDF_SCHEME()),
              new TPMS_ECC_POINT());
      case RSA_2048 ->
          new TPMT_PUBLIC(
              TPM_ALG_ID.SHA256,
              attributes,
              new byte[0],
              new TPMS_RSA_PARMS(noSymmetric, new TPMS_NULL_ASYM_SCHEME(), 2048, 0),
              new TPM2B_PUBLIC_KEY_RSA());
    };
  }

  /** {@code ecc-p256} or {@code rsa-2048}, as the CLI takes it. */
  @Override
  public String toString() {
    return text;
  }
}
