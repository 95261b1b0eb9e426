package io.dpsagent.emulator.hub;

import io.dpsagent.emulator.crypto.HmacKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** What a hub accepts as proof that a connection is the device DPS registered. */
public sealed interface HubCredential {

  /**
   * A SAS token in the MQTT password signed with one of these keys: the enrollment's keys, the key
   * derived from a group key, or the key DPS gave a TPM in its activation blob.
   */
  record SymmetricKeys(List<HmacKey> keys) implements HubCredential {
    public SymmetricKeys {
      keys = List.copyOf(keys);
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("no keys");
      }
    }

    @Override
    public String toString() {
      return "SymmetricKeys[" + keys.size() + " keys]";
    }
  }

  /**
   * The TLS client certificate chain, judged by the same rule DPS authenticated the device with
   * (the enrollment's pinned certificate or its group's CA).
   */
  record ClientCertificate(CertificateRule rule) implements HubCredential {}

  /** Whether a presented chain (leaf first, unverified) proves the device. */
  @FunctionalInterface
  interface CertificateRule {
    boolean accepts(List<X509Certificate> chain);
  }
}
