package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import com.microsoft.azure.sdk.iot.provisioning.security.exceptions.SecurityProviderException;
import io.dpsagent.common.testing.TestPki;
import io.dpsagent.e2e.TlsKeys;
import io.dpsagent.emulator.DpsEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/** The Java device SDK (provisioning-device-client), in process, with one transport. */
final class JavaDeviceSdk implements DeviceSdk {

  static final int TIMEOUT_SECONDS = 30;
  // Far more than the few instructions between the SDK's publish and its wait(), even on a busy
  // machine.
  private static final Duration LOST_WAKE_UP_GUARD = Duration.ofMillis(200);
  // The SDK reports a failed HTTP exchange as "<status> : <status> : <body>".
  private static final Pattern HTTP_STATUS = Pattern.compile("(?:^|: )([1-5][0-9]{2}) : ");
  // The error body, either verbatim (HTTPS: ..."errorCode":401002...) or as the SDK renders it
  // ("Service error: 401002 - Unauthorized - TrackingId: ...").
  private static final Pattern ERROR_CODE =
      Pattern.compile("\"errorCode\"\\s*:\\s*([0-9]{6})|Service error: ([0-9]{6}) ");

  private final ProvisioningDeviceClientTransportProtocol protocol;

  JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public Outcome registerWithDeviceKey(DpsEmulator dps, String registrationId, String deviceKey)
      throws Exception {
    return register(
        dps,
        new TrustingSymmetricKeyProvider(
            deviceKey.getBytes(StandardCharsets.UTF_8), registrationId, dps.caFile()));
  }

  @Override
  public Outcome registerWithGroupKey(DpsEmulator dps, String registrationId, String groupKey)
      throws Exception {
    byte[] deviceKey =
        SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
            groupKey.getBytes(StandardCharsets.UTF_8), registrationId);
    return register(dps, new TrustingSymmetricKeyProvider(deviceKey, registrationId, dps.caFile()));
  }

  @Override
  public Outcome registerWithCertificate(
      DpsEmulator dps, String registrationId, TestPki.Leaf device) throws Exception {
    return register(dps, new TrustingX509Provider(registrationId, device, dps.caFile()));
  }

  private Outcome register(DpsEmulator dps, SecurityProvider provider) throws Exception {
    ProvisioningDeviceClient client =
        ProvisioningDeviceClient.create(
            StandardPortEmulators.host(dps), dps.idScope(), protocol, provider);
    try {
      ProvisioningDeviceClientRegistrationResult result =
          client.registerDeviceSync(TIMEOUT_SECONDS);
      return new Outcome.Registered(
          result.getStatus(), result.getIothubUri(), result.getDeviceId());
    } catch (ProvisioningDeviceClientException e) {
      String report = causeChain(e);
      Matcher status = HTTP_STATUS.matcher(report);
      Matcher errorCode = ERROR_CODE.matcher(report);
      return new Outcome.Failed(
          status.find() ? OptionalInt.of(Integer.parseInt(status.group(1))) : OptionalInt.empty(),
          errorCode.find()
              ? OptionalInt.of(
                  Integer.parseInt(
                      errorCode.group(1) != null ? errorCode.group(1) : errorCode.group(2)))
              : OptionalInt.empty(),
          report);
    } finally {
      client.close();
    }
  }

  /**
   * Over MQTT the SDK reads only the reply's body and its topic's {@code retry-after}: the status
   * in {@code $dps/registrations/res/<status>/} never reaches the caller, only the body's
   * errorCode.
   */
  @Override
  public boolean surfacesStatus() {
    return protocol == ProvisioningDeviceClientTransportProtocol.HTTPS;
  }

  /**
   * Over MQTT the SDK publishes a request and only then enters {@code wait()} on a lock that the
   * receiving thread {@code notify()}s; a reply that comes in between is a lost wake-up, and the
   * SDK sleeps out its 60 s before it reads the reply it already has. DPS is never that quick; over
   * loopback the emulator can be, so it holds replies back as a network would.
   */
  @Override
  public Duration mqttReplyDelay() {
    return protocol == ProvisioningDeviceClientTransportProtocol.HTTPS
        ? Duration.ZERO
        : LOST_WAKE_UP_GUARD;
  }

  /** Over MQTT_WS the SDK dials {@code wss://host:443}, the HTTPS port. */
  @Override
  public boolean usesMqttPort() {
    return protocol == ProvisioningDeviceClientTransportProtocol.MQTT;
  }

  private static String causeChain(Throwable e) {
    StringBuilder report = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      report.append(report.length() == 0 ? "" : "\ncaused by ").append(t);
    }
    return report.toString();
  }

  @Override
  public String toString() {
    return "Java SDK over " + protocol;
  }

  /**
   * The SDK's X.509 provider over a test identity, trusting the emulator's CA instead of the JDK's
   * roots.
   */
  static final class TrustingX509Provider extends SecurityProviderX509 {
    private final String registrationId;
    private final TestPki.Leaf device;
    private final Path caFile;

    TrustingX509Provider(String registrationId, TestPki.Leaf device, Path caFile) {
      this.registrationId = registrationId;
      this.device = device;
      this.caFile = caFile;
    }

    @Override
    public String getClientCertificateCommonName() {
      return registrationId;
    }

    @Override
    public X509Certificate getClientCertificate() {
      return device.certificate();
    }

    @Override
    public Key getClientPrivateKey() {
      return device.privateKey();
    }

    @Override
    public Collection<X509Certificate> getIntermediateCertificatesChain() {
      return device.chain().subList(1, device.chain().size());
    }

    @Override
    public SSLContext getSSLContext() throws SecurityProviderException {
      try {
        return EmulatorTrust.sslContext(
            caFile, TlsKeys.keyManagers(device.privateKey(), device.chain()));
      } catch (Exception e) {
        throw new SecurityProviderException("cannot build the TLS context of " + registrationId, e);
      }
    }
  }

  /** The SDK's symmetric-key provider, trusting the emulator's CA instead of the JDK's roots. */
  static final class TrustingSymmetricKeyProvider extends SecurityProviderSymmetricKey {
    private final Path caFile;

    TrustingSymmetricKeyProvider(byte[] keyBase64, String registrationId, Path caFile) {
      super(keyBase64, registrationId);
      this.caFile = caFile;
    }

    @Override
    public SSLContext getSSLContext() throws SecurityProviderException {
      try {
        return EmulatorTrust.sslContext(caFile);
      } catch (Exception e) {
        throw new SecurityProviderException("cannot trust " + caFile, e);
      }
    }
  }
}
