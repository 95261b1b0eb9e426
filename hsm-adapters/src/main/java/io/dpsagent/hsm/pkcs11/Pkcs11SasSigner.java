package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.SasSigner;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.ProviderException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * HMAC-SHA256 computed inside a PKCS#11 token (CKM_SHA256_HMAC) with a key that cannot leave it.
 */
final class Pkcs11SasSigner implements SasSigner {

  private static final String HMAC_SHA256 = "HmacSHA256";

  private final Provider provider;
  private final SecretKey key;
  private final Pkcs11Uri uri;

  /** Checks at once that the token can use this key for HMAC-SHA256, so a misfit fails early. */
  Pkcs11SasSigner(Provider provider, SecretKey key, Pkcs11Uri uri) throws Pkcs11Exception {
    this.provider = provider;
    this.key = key;
    this.uri = uri;
    mac();
  }

  @Override
  public byte[] sign(byte[] data) throws Pkcs11Exception {
    try {
      return mac().doFinal(data);
    } catch (ProviderException e) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.TOKEN_ERROR,
          "HMAC-SHA256 with " + uri + " failed in the token: " + SunPkcs11Providers.reason(e));
    }
  }

  private Mac mac() throws Pkcs11Exception {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256, provider);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException e) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.MECHANISM_UNSUPPORTED,
          "the token of " + uri + " does not offer HMAC-SHA256 (CKM_SHA256_HMAC)");
    } catch (InvalidKeyException e) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.OBJECT_UNFIT,
          "key " + uri + " cannot be used for HMAC-SHA256 (" + e.getMessage() + ")");
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.TOKEN_ERROR,
          "HMAC-SHA256 with " + uri + " failed in the token: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "Pkcs11SasSigner[" + uri + "]";
  }
}
