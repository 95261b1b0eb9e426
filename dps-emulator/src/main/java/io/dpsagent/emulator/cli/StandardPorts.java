package io.dpsagent.emulator.cli;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.LinkedHub;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --standard-ports ADDRESS}: every listener where the official SDKs look, so that they run
 * unmodified. The SDKs take a bare host name and dial the standard ports, and one address holds
 * each port once, so the listeners take consecutive loopback addresses (on Linux every address of
 * 127.0.0.0/8 answers without setting up an alias):
 *
 * <ul>
 *   <li>ADDRESS: the device API, HTTPS and MQTT over WebSocket on 443, MQTT on 8883;
 *   <li>ADDRESS + 1: the service API on 443 (its connection string then names the bare host);
 *   <li>ADDRESS + 2, …: the linked hubs on 8883, each named by its own address. A hub named by an
 *       IP address keeps it; the default hub of a new instance is named ADDRESS + 2.
 * </ul>
 *
 * Ports below 1024 need root, {@code CAP_NET_BIND_SERVICE} or {@code
 * net.ipv4.ip_unprivileged_port_start}.
 */
final class StandardPorts {

  static final int HTTPS = 443;
  static final int MQTT = 8883;
  private static final Pattern LOOPBACK =
      Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  // The service API and the default hub take the next two addresses.
  private static final int ADDRESSES_AFTER = 2;

  private StandardPorts() {}

  /**
   * The config with every listener on its standard port, from {@code address} on.
   *
   * @throws IllegalArgumentException with a one-line message naming the option or the hub
   */
  static EmulatorConfig apply(EmulatorConfig config, String address) {
    int[] octets = loopbackOctets(address);
    String service = next(octets, 1);
    List<LinkedHub> hubs = hubs(config.seed().linkedHubs(), next(octets, 2));
    return config.toBuilder()
        .host(address)
        .bindAddress(address)
        .httpsPort(HTTPS)
        .mqttPort(MQTT)
        .serviceHost(service)
        .serviceBindAddress(service)
        .servicePort(HTTPS)
        .hubMqttPort(MQTT)
        .linkedHubs(hubs)
        .build();
  }

  private static int[] loopbackOctets(String address) {
    Matcher matcher = LOOPBACK.matcher(address);
    boolean valid = matcher.matches();
    int[] octets = new int[3];
    for (int i = 0; valid && i < octets.length; i++) {
      octets[i] = Integer.parseInt(matcher.group(i + 1));
      valid = octets[i] <= (i == octets.length - 1 ? 255 - 1 - ADDRESSES_AFTER : 255);
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "--standard-ports: '"
              + printable(address)
              + "' is not an IPv4 loopback address with two free addresses after it;"
              + " use one such as 127.20.30.1");
    }
    return octets;
  }

  private static String next(int[] octets, int offset) {
    return "127." + octets[0] + "." + octets[1] + "." + (octets[2] + offset);
  }

  // A DNS-named hub would need 8883 on the device API's address, which MQTT already holds.
  private static List<LinkedHub> hubs(List<LinkedHub> hubs, String defaultHubAddress) {
    if (hubs.equals(List.of(LinkedHub.withHostName(EmulatorConfig.DEFAULT_HUB)))) {
      return List.of(LinkedHub.withHostName(defaultHubAddress));
    }
    for (LinkedHub hub : hubs) {
      if (!IPV4.matcher(hub.hostName()).matches()) {
        throw new IllegalArgumentException(
            "--standard-ports: linked hub '"
                + printable(hub.hostName())
                + "' is not named by an IP address, so it cannot have port "
                + MQTT
                + " of its own; name it by a loopback address such as "
                + defaultHubAddress);
      }
    }
    return hubs;
  }

  // The value comes from the command line: shown, but never with control characters.
  private static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
