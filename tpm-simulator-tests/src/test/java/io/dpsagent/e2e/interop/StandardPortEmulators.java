package io.dpsagent.e2e.interop;

import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.LinkedHub;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts emulators where the official SDKs look for DPS. The SDKs take a bare host name and dial
 * the standard port (HTTPS 443; MQTT 8883), so each emulator gets a loopback address of its own,
 * 127.x.y.z, with its endpoint host set to that IP literal (the generated server certificate then
 * carries it as an IP SAN). The service API needs 443 too, so it gets a second address of its own.
 * Nothing else listens there, so parallel builds and other listeners on 127.0.0.1 do not clash.
 * Binding port 443 needs root or CAP_NET_BIND_SERVICE.
 */
final class StandardPortEmulators {

  static final int HTTPS_PORT = 443;
  static final int MQTT_PORT = 8883;
  static final List<LinkedHub> HUBS =
      List.of(
          LinkedHub.withHostName("interop-hub-1.azure-devices.net"),
          LinkedHub.withHostName("interop-hub-2.azure-devices.net"));
  // A collision with another listener needs the same random 24 bits; a few draws end it.
  private static final int ADDRESS_ATTEMPTS = 5;

  private StandardPortEmulators() {}

  /**
   * An emulator with the device API on {@code https://127.x.y.z:443} and {@code
   * mqtts://127.x.y.z:8883}, the service API on {@code https://127.u.v.w:443}, two linked hubs and
   * a 1 s Retry-After.
   *
   * @param mqttReplyDelay how long each MQTT reply waits, see {@link DeviceSdk#mqttReplyDelay()}
   */
  static DpsEmulator start(Duration mqttReplyDelay) throws IOException {
    return start(mqttReplyDelay, true);
  }

  /**
   * Like {@link #start(Duration)}; without {@code mqttOnStandardPort}, MQTT on TLS gets a free port
   * and only HTTPS and MQTT over WebSocket (which shares it) are on 443.
   */
  static DpsEmulator start(Duration mqttReplyDelay, boolean mqttOnStandardPort) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < ADDRESS_ATTEMPTS; attempt++) {
      String deviceAddress = randomLoopbackAddress();
      String serviceAddress = randomLoopbackAddress();
      if (serviceAddress.equals(deviceAddress)) {
        continue;
      }
      try {
        return DpsEmulator.start(
            config(deviceAddress, serviceAddress, mqttReplyDelay, mqttOnStandardPort));
      } catch (IOException e) {
        if (isPermissionDenied(e)) {
          throw new IOException(
              "the interop tests serve DPS on port "
                  + HTTPS_PORT
                  + " (the SDKs' fixed port) and "
                  + "need root or CAP_NET_BIND_SERVICE: "
                  + e.getMessage(),
              e);
        }
        last = e;
      }
    }
    throw last != null ? last : new IOException("no two distinct loopback addresses drawn");
  }

  /** The host name to give a device SDK: the IP literal the device API serves on. */
  static String host(DpsEmulator emulator) {
    return emulator.httpsEndpoint().getHost();
  }

  private static EmulatorConfig config(
      String deviceAddress,
      String serviceAddress,
      Duration mqttReplyDelay,
      boolean mqttOnStandardPort) {
    return EmulatorConfig.defaults().toBuilder()
        .host(deviceAddress)
        .bindAddress(deviceAddress)
        .httpsPort(HTTPS_PORT)
        .mqttPort(mqttOnStandardPort ? MQTT_PORT : 0)
        .mqttReplyDelay(mqttReplyDelay)
        .serviceHost(serviceAddress)
        .serviceBindAddress(serviceAddress)
        .servicePort(HTTPS_PORT)
        .retryAfterSeconds(1)
        .linkedHubs(HUBS)
        .build();
  }

  // 127.0.0.0/8 minus 127.0.0.x (127.0.0.1 is everyone's) and the .0/.255 host parts.
  static String randomLoopbackAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "127."
        + random.nextInt(1, 255)
        + "."
        + random.nextInt(0, 256)
        + "."
        + random.nextInt(1, 255);
  }

  static boolean isPermissionDenied(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          && String.valueOf(t.getMessage()).contains("Permission denied")) {
        return true;
      }
    }
    return false;
  }
}
