package io.dpsagent.hsm.tpm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_PUBLIC;

/**
 * The public half of a TPM signing key as JCA sees it, and its attributes as the spec names them.
 */
final class TpmPublicKeys {

  /** TPMA_OBJECT bits in spec order, spelled as in the TPM 2.0 spec and tpm2_readpublic. */
  private static final List<Map.Entry<String, TPMA_OBJECT>> ATTRIBUTES =
      List.of(
          Map.entry("fixedTPM", TPMA_OBJECT.fixedTPM),
          Map.entry("stClear", TPMA_OBJECT.stClear),
          Map.entry("fixedParent", TPMA_OBJECT.fixedParent),
          Map.entry("sensitiveDataOrigin", TPMA_OBJECT.sensitiveDataOrigin),
          Map.entry("userWithAuth", TPMA_OBJECT.userWithAuth),
          Map.entry("adminWithPolicy", TPMA_OBJECT.adminWithPolicy),
          Map.entry("noDA", TPMA_OBJECT.noDA),
          Map.entry("encryptedDuplication", TPMA_OBJECT.encryptedDuplication),
          Map.entry("restricted", TPMA_OBJECT.restricted),
          Map.entry("decrypt", TPMA_OBJECT.decrypt),
          Map.entry("sign", TPMA_OBJECT.sign));

  private static final int DEFAULT_RSA_EXPONENT = 65537;

  private TpmPublicKeys() {}

  /** The JCA public key of an ECC P-256 or RSA 2048 public area. */
  static PublicKey of(TPMT_PUBLIC area, TpmKeyType type) {
    try {
      return switch (type) {
        case ECC_P256 -> {
          TPMS_ECC_POINT point = (TPMS_ECC_POINT) area.unique;
          AlgorithmParameters curve = AlgorithmParameters.getInstance("EC");
          curve.init(new ECGenParameterSpec("secp256r1"));
          ECPoint w = new ECPoint(new BigInteger(1, point.x), new BigInteger(1, point.y));
          yield KeyFactory.getInstance("EC")
              .generatePublic(
                  new ECPublicKeySpec(w, curve.getParameterSpec(ECParameterSpec.class)));
        }
        case RSA_2048 -> {
          int exponent = ((TPMS_RSA_PARMS) area.parameters).exponent;
          BigInteger modulus = new BigInteger(1, ((TPM2B_PUBLIC_KEY_RSA) area.unique).buffer);
          yield KeyFactory.getInstance("RSA")
              .generatePublic(
                  new RSAPublicKeySpec(
                      modulus,
                      BigInteger.valueOf(exponent == 0 ? DEFAULT_RSA_EXPONENT : exponent)));
        }
      };
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalStateException("the TPM returned a malformed " + type + " public key", e);
    }
  }

  /** The attributes set on an object, e.g. {@code [fixedTPM, fixedParent, ..., sign]}. */
  static Set<String> attributes(TPMT_PUBLIC area) {
    Set<String> set = new LinkedHashSet<>();
    for (Map.Entry<String, TPMA_OBJECT> attribute : ATTRIBUTES) {
      if (area.objectAttributes.hasAttr(attribute.getValue())) {
        set.add(attribute.getKey());
      }
    }
    return set;
  }
}
