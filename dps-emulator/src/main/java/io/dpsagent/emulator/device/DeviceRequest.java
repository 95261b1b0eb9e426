package io.dpsagent.emulator.device;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What every device request carries, whatever the transport.
 *
 * @param registrationId percent-decoded, as the device spelled it
 * @param authorization the SAS token, if the device sent one
 * @param clientCertificates the certificate chain the device presented in the TLS handshake, leaf
 *     first, unverified (empty without client authentication)
 */
public record DeviceRequest(
    String idScope,
    String registrationId,
    Optional<String> apiVersion,
    Optional<String> authorization,
    List<X509Certificate> clientCertificates,
    DeviceTransport transport) {

  public DeviceRequest {
    clientCertificates = List.copyOf(clientCertificates);
    if (transport == null) {
      throw new IllegalArgumentException("transport is null");
    }
  }

  /** An HTTPS request. */
  public DeviceRequest(
      String idScope,
      String registrationId,
      Optional<String> apiVersion,
      Optional<String> authorization,
      List<X509Certificate> clientCertificates) {
    this(
        idScope,
        registrationId,
        apiVersion,
        authorization,
        clientCertificates,
        DeviceTransport.HTTPS);
  }

  /** An HTTPS request without a TLS client certificate. */
  public DeviceRequest(
      String idScope,
      String registrationId,
      Optional<String> apiVersion,
      Optional<String> authorization) {
    this(idScope, registrationId, apiVersion, authorization, List.of());
  }

  @Override
  public String toString() {
    return "DeviceRequest[" + idScope + "/" + registrationId + "]";
  }
}
