package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import tss.tpm.TPMS_SIGNATURE_ECC;
import tss.tpm.TPMS_SIGNATURE_RSA;
import tss.tpm.TPMS_SIG_SCHEME_ECDSA;
import tss.tpm.TPMS_SIG_SCHEME_RSAPSS;
import tss.tpm.TPMS_SIG_SCHEME_RSASSA;
import tss.tpm.TPMT_TK_HASHCHECK;
import tss.tpm.TPMU_SIGNATURE;
import tss.tpm.TPMU_SIG_SCHEME;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_HANDLE;

/**
 * TPM2_Sign with a persistent key over a SHA-256 digest computed outside, returning the signature
 * as JCA writes it (DER {@code SEQUENCE {r, s}} for ECDSA, the raw block for RSA).
 *
 * <p>Each signature opens its own connection and closes it: a TLS identity has no close, a
 * handshake signs once, and a TPM restarted since the last handshake is just reopened. A persistent
 * key needs no transient handle, so nothing is left loaded whatever happens.
 */
record TpmKeySigner(TctiSpec tcti, int handle, TpmKeyType type, TpmTimeouts timeouts) {

  /** How a signature is formed; the key's own scheme is NULL, so every signature names one. */
  enum Scheme {
    ECDSA,
    RSASSA_PKCS1_V1_5,
    /** Salt length = digest length (32), as TPM 2.0 (FIPS 186-4) and TLS 1.3 both want it. */
    RSASSA_PSS
  }

  static final int SHA256_LENGTH = 32;

  /** Signs a SHA-256 digest inside the TPM. */
  byte[] sign(byte[] digest, Scheme scheme) throws HsmException {
    if (digest.length != SHA256_LENGTH) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
    }
    try (TpmConnection connection = TpmConnection.open(tcti, timeouts)) {
      TPM_HANDLE key = TPM_HANDLE.from(handle);
      key.AuthValue = new byte[0];
      TPMU_SIGNATURE signature =
          connection.run(
              "Sign(" + TpmConnection.hex(handle) + ", " + scheme + ")",
              t -> t.Sign(key, digest, tpmScheme(scheme), TPMT_TK_HASHCHECK.nullTicket()));
      return encode(signature);
    }
  }

  private static TPMU_SIG_SCHEME tpmScheme(Scheme scheme) {
    return switch (scheme) {
      case ECDSA -> new TPMS_SIG_SCHEME_ECDSA(TPM_ALG_ID.SHA256);
      case RSASSA_PKCS1_V1_5 -> new TPMS_SIG_SCHEME_RSASSA(TPM_ALG_ID.SHA256);
      case RSASSA_PSS -> new TPMS_SIG_SCHEME_RSAPSS(TPM_ALG_ID.SHA256);
    };
  }

  private static byte[] encode(TPMU_SIGNATURE signature) throws HsmException {
    if (signature instanceof TPMS_SIGNATURE_ECC ecc) {
      try {
        return new DERSequence(
                new ASN1Integer[] {
                  new ASN1Integer(new BigInteger(1, ecc.signatureR)),
                  new ASN1Integer(new BigInteger(1, ecc.signatureS))
                })
            .getEncoded();
      } catch (IOException e) {
        throw new IllegalStateException(e); // encoding in memory
      }
    }
    if (signature instanceof TPMS_SIGNATURE_RSA rsa) {
      return rsa.sig;
    }
    throw new HsmException(
        "TPM Sign returned a " + TpmConnection.name(signature.GetUnionSelector()) + " signature");
  }

  @Override
  public String toString() {
    return tcti + " " + TpmConnection.hex(handle) + " " + type;
  }
}
