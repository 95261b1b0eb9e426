package io.dpsagent.bench;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import com.microsoft.azure.sdk.iot.provisioning.security.exceptions.SecurityProviderException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * One registration through the official Java device SDK (provisioning-device-client), as a device's
 * provisioning step would run it: a fresh JVM, one device, then exit.
 *
 * <p>Usage: {@code JavaSdkProvision https|mqtt HOST ID_SCOPE CA_FILE symmetric REGISTRATION_ID
 * KEY_FILE} or {@code ... x509 CHAIN_PEM PKCS8_KEY_PEM}. Exit code 0 when the device is assigned.
 */
public final class JavaSdkProvision {
  private static final int TIMEOUT_SECONDS = 60;

  private JavaSdkProvision() {}

  public static void main(String[] args) throws Exception {
    ProvisioningDeviceClientTransportProtocol protocol =
        args[0].equals("mqtt")
            ? ProvisioningDeviceClientTransportProtocol.MQTT
            : ProvisioningDeviceClientTransportProtocol.HTTPS;
    Path caFile = Path.of(args[3]);
    SecurityProvider provider =
        switch (args[4]) {
          case "symmetric" -> symmetric(args[5], Path.of(args[6]), caFile);
          case "x509" -> x509(Path.of(args[5]), Path.of(args[6]), caFile);
          default -> throw new IllegalArgumentException("symmetric or x509: " + args[4]);
        };
    ProvisioningDeviceClient client =
        ProvisioningDeviceClient.create(args[1], args[2], protocol, provider);
    int exit;
    try {
      ProvisioningDeviceClientRegistrationResult result =
          client.registerDeviceSync(TIMEOUT_SECONDS);
      System.out.println(result.getStatus() + " " + result.getIothubUri());
      exit = "assigned".equalsIgnoreCase(String.valueOf(result.getStatus())) ? 0 : 1;
    } finally {
      client.close();
    }
    // The SDK leaves non-daemon worker threads behind.
    System.exit(exit);
  }

  private static SecurityProvider symmetric(String registrationId, Path keyFile, Path caFile)
      throws Exception {
    byte[] key = Files.readString(keyFile).trim().getBytes(StandardCharsets.UTF_8);
    return new SecurityProviderSymmetricKey(key, registrationId) {
      @Override
      public SSLContext getSSLContext() throws SecurityProviderException {
        try {
          return Trust.sslContext(caFile);
        } catch (Exception e) {
          throw new SecurityProviderException("cannot trust " + caFile, e);
        }
      }
    };
  }

  private static SecurityProvider x509(Path chainFile, Path keyFile, Path caFile) throws Exception {
    Trust.ClientKey client = Trust.ClientKey.read(chainFile, keyFile);
    List<X509Certificate> chain = client.chain();
    PrivateKey key = client.key();
    String commonName =
        chain.get(0).getSubjectX500Principal().getName().replaceAll("^.*CN=([^,]+).*$", "$1");
    return new SecurityProviderX509() {
      @Override
      public String getClientCertificateCommonName() {
        return commonName;
      }

      @Override
      public X509Certificate getClientCertificate() {
        return chain.get(0);
      }

      @Override
      public Key getClientPrivateKey() {
        return key;
      }

      @Override
      public Collection<X509Certificate> getIntermediateCertificatesChain() {
        return chain.subList(1, chain.size());
      }

      @Override
      public SSLContext getSSLContext() throws SecurityProviderException {
        try {
          return Trust.sslContext(caFile, client.keyManagers());
        } catch (Exception e) {
          throw new SecurityProviderException("cannot build the TLS context", e);
        }
      }
    };
  }
}
