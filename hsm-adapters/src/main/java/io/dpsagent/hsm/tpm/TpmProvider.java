package io.dpsagent.hsm.tpm;

import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JCA provider "DpsAgentTpm": the signatures TLS 1.2 and 1.3 need from a TPM-held key
 * (SHA256withECDSA for P-256; SHA256withRSA and RSASSA-PSS for RSA 2048), for {@link TpmPrivateKey}
 * only. Registered once, last, so that it changes nothing for other keys: the JDK picks a provider
 * by the key it is given, and no other provider accepts a key without material.
 */
final class TpmProvider extends Provider {

  static final String NAME = "DpsAgentTpm";

  private static final TpmProvider INSTANCE = new TpmProvider();

  private TpmProvider() {
    super(NAME, "1.0", "TPM 2.0 signatures with keys that stay in the TPM");
    service(
        "SHA256withECDSA",
        List.of("OID.1.2.840.10045.4.3.2", "1.2.840.10045.4.3.2"),
        TpmSignatureSpi.Ecdsa.class,
        TpmSignatureSpi.Ecdsa::new);
    service(
        "SHA256withRSA",
        List.of("OID.1.2.840.113549.1.1.11", "1.2.840.113549.1.1.11"),
        TpmSignatureSpi.RsaPkcs1.class,
        TpmSignatureSpi.RsaPkcs1::new);
    service(
        "RSASSA-PSS",
        List.of("OID.1.2.840.113549.1.1.10", "1.2.840.113549.1.1.10", "PSS"),
        TpmSignatureSpi.RsaPss.class,
        TpmSignatureSpi.RsaPss::new);
  }

  /** The provider, registered with the JVM on first use (TLS finds signatures there). */
  static synchronized TpmProvider installed() {
    if (Security.getProvider(NAME) == null) {
      Security.addProvider(INSTANCE);
    }
    return INSTANCE;
  }

  private <T extends TpmSignatureSpi> void service(
      String algorithm, List<String> aliases, Class<T> type, Supplier<T> spi) {
    putService(
        new Service(this, "Signature", algorithm, type.getName(), aliases, Map.of()) {
          // Instances are made here, not by reflection: the SPI classes stay package-private.
          @Override
          public Object newInstance(Object constructorParameter) {
            return spi.get();
          }

          @Override
          public boolean supportsParameter(Object key) {
            return key instanceof TpmPrivateKey;
          }
        });
  }
}
