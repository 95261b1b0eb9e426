package io.dpsagent.e2e.interop;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.exceptions.SecurityProviderException;
import io.dpsagent.emulator.DpsEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/** The Java device SDK (provisioning-device-client), in process, with one transport. */
final class JavaDeviceSdk implements DeviceSdk {

  static final int TIMEOUT_SECONDS = 30;
  // The SDK reports a failed HTTP exchange as "<status> : <status> : <body>".
  private static final Pattern HTTP_STATUS = Pattern.compile("(?:^|: )([1-5][0-9]{2}) : ");

  private final ProvisioningDeviceClientTransportProtocol protocol;

  JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public Outcome registerWithDeviceKey(DpsEmulator dps, String registrationId, String deviceKey)
      throws Exception {
    return register(dps, new TrustingSymmetricKeyProvider(
        deviceKey.getBytes(StandardCharsets.UTF_8), registrationId, dps.caFile()));
  }

  @Override
  public Outcome registerWithGroupKey(DpsEmulator dps, String registrationId, String groupKey)
      throws Exception {
    byte[] deviceKey = SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
        groupKey.getBytes(StandardCharsets.UTF_8), registrationId);
    return register(dps, new TrustingSymmetricKeyProvider(deviceKey, registrationId, dps.caFile()));
  }

  /** Registers with any security provider, e.g. an X.509 one that trusts the emulator's CA. */
  Outcome register(DpsEmulator dps, SecurityProvider provider) throws Exception {
    ProvisioningDeviceClient client = ProvisioningDeviceClient.create(
        StandardPortEmulators.host(dps), dps.idScope(), protocol, provider);
    try {
      ProvisioningDeviceClientRegistrationResult result = client.registerDeviceSync(TIMEOUT_SECONDS);
      return new Outcome.Registered(result.getStatus(), result.getIothubUri(), result.getDeviceId());
    } catch (ProvisioningDeviceClientException e) {
      String report = causeChain(e);
      Matcher status = HTTP_STATUS.matcher(report);
      return new Outcome.Failed(
          status.find() ? OptionalInt.of(Integer.parseInt(status.group(1))) : OptionalInt.empty(), report);
    } finally {
      client.close();
    }
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
