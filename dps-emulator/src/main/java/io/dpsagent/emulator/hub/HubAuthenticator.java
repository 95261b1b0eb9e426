package io.dpsagent.emulator.hub;

import io.dpsagent.emulator.auth.InvalidSasTokenException;
import io.dpsagent.emulator.auth.ParsedSasToken;
import io.dpsagent.emulator.crypto.HmacKey;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides an IoT Hub MQTT CONNECT: user name {@code {hub}/{deviceId}/?api-version=...}, client ID
 * equal to the device ID, and the credential DPS recorded for the device on this hub (a
 * device-scoped SAS token in the password, or the TLS client certificate). A malformed user name or
 * password is refused as "bad user name or password" (4); a well-formed CONNECT for a device this
 * hub does not hold, or with the wrong credential, as "not authorized" (5), as IoT Hub answers.
 */
record HubAuthenticator(String hubHostName, HubDirectory directory, Duration clockSkew) {

  /** The outcome of a CONNECT: the device, or the return code to refuse with. */
  record Decision(Optional<HubDevice> device, MqttConnectReturnCode refusal) {
    static Decision accept(HubDevice device) {
      return new Decision(Optional.of(device), MqttConnectReturnCode.CONNECTION_ACCEPTED);
    }

    static Decision refuse(MqttConnectReturnCode code) {
      return new Decision(Optional.empty(), code);
    }
  }

  Decision decide(
      String clientId, String userName, byte[] password, List<X509Certificate> chain, Instant now) {
    Optional<String> deviceId = deviceIdOf(userName);
    if (deviceId.isEmpty()) {
      return Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
    }
    if (!deviceId.get().equals(clientId)) {
      return Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
    }
    Optional<HubDevice> device = directory.device(hubHostName, clientId);
    if (device.isEmpty()) {
      return Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }
    HubCredential credential = device.get().credential();
    if (credential instanceof HubCredential.SymmetricKeys keys) {
      return checkToken(device.get(), keys.keys(), password, now);
    }
    HubCredential.CertificateRule rule = ((HubCredential.ClientCertificate) credential).rule();
    return !chain.isEmpty() && rule.accepts(chain)
        ? Decision.accept(device.get())
        : Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
  }

  private Decision checkToken(HubDevice device, List<HmacKey> keys, byte[] password, Instant now) {
    ParsedSasToken token;
    try {
      if (password == null) {
        return Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      }
      token = ParsedSasToken.parse(new String(password, StandardCharsets.UTF_8));
    } catch (InvalidSasTokenException e) {
      return Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
    }
    String resource = hubHostName + "/devices/" + device.deviceId();
    boolean valid =
        token.resource().equalsIgnoreCase(resource)
            && token.resource().endsWith("/devices/" + device.deviceId())
            && token.keyName().filter(name -> !name.isEmpty()).isEmpty()
            && token.expiryEpochSeconds() >= now.minus(clockSkew).getEpochSecond()
            && keys.stream().anyMatch(token::isSignedWith);
    return valid
        ? Decision.accept(device)
        : Decision.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
  }

  /** The device ID of a user name {@code host/deviceId/} plus an optional query, for this hub. */
  private Optional<String> deviceIdOf(String userName) {
    if (userName == null) {
      return Optional.empty();
    }
    String prefix = hubHostName.toLowerCase(Locale.ROOT) + "/";
    if (!userName.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = userName.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || !(rest.length() == slash + 1 || rest.charAt(slash + 1) == '?')) {
      return Optional.empty(); // a module identity (deviceId/moduleId/) is not emulated
    }
    return Optional.of(rest.substring(0, slash));
  }
}
