package io.dpsagent.hsm.pkcs11;

import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.HashMap;
import java.util.Map;

/**
 * One SunPKCS11 provider per (module, slot), configured in code and kept for the life of the JVM
 * (SunPKCS11 cannot unload a module, so a second provider for the same slot would only add
 * sessions).
 *
 * <p>The {@code attributes} sections make keys that this code creates non-exportable: SunPKCS11's
 * defaults leave imported secret keys and generated private keys with CKA_SENSITIVE false, so the
 * key value could be read by anyone holding the user PIN.
 */
final class SunPkcs11Providers {

  private static final Map<String, Provider> PROVIDERS = new HashMap<>();

  private SunPkcs11Providers() {}

  static synchronized Provider forSlot(String modulePath, long slotId) {
    return PROVIDERS.computeIfAbsent(
        modulePath + "#" + slotId,
        key -> {
          Provider provider =
              Security.getProvider("SunPKCS11").configure("--" + config(modulePath, slotId));
          // JSSE picks a Signature for the handshake among registered providers only; appended
          // last,
          // this provider is chosen only for its own keys.
          Security.addProvider(provider);
          return provider;
        });
  }

  static String config(String modulePath, long slotId) {
    return String.join(
        "\n",
        "name = dps-agent-" + slotId,
        "library = " + modulePath,
        "slot = " + slotId,
        // CKA_TOKEN only for import: a SecretKeySpec handed to this provider's Mac is copied into
        // a session object, which must not persist.
        "attributes(import, CKO_SECRET_KEY, *) = {",
        "  CKA_TOKEN = true",
        "}",
        "attributes(*, CKO_SECRET_KEY, *) = {",
        "  CKA_SIGN = true",
        "  CKA_VERIFY = true",
        "  CKA_SENSITIVE = true",
        "  CKA_EXTRACTABLE = false",
        "}",
        // The public key stays a session object: the certificate carries it.
        "attributes(generate, CKO_PRIVATE_KEY, *) = {",
        "  CKA_TOKEN = true",
        "  CKA_PRIVATE = true",
        "  CKA_SENSITIVE = true",
        "  CKA_EXTRACTABLE = false",
        "}",
        "");
  }

  /** SunPKCS11 reports a module it cannot use as a ProviderException; keep the first line only. */
  static String reason(ProviderException e) {
    Throwable t = e.getCause() != null ? e.getCause() : e;
    String message = String.valueOf(t.getMessage());
    return message.lines().findFirst().orElse(message);
  }
}
