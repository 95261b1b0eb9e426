package io.dpsagent.emulator.hub;

import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.RegistrationRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The emulated hubs of one DPS instance, one {@link HubServer} per linked hub, and what DPS's
 * re-provisioning does to them: a device moved to another hub is dropped by the old one (its
 * connections closed), taking its twin along when the reprovision policy migrates device data.
 */
public final class Hubs implements AutoCloseable {

  private static final String MIGRATED = "deviceDataMigrated";
  private static final String RESET = "deviceDataReset";
  private static final String REPROVISIONED_TO_INITIAL = "reprovisionedToInitialAssignment";

  private static final Logger LOG = Logger.getLogger(Hubs.class.getName());

  private final Map<String, HubServer> servers;

  private Hubs(Map<String, HubServer> servers) {
    this.servers = servers;
  }

  /**
   * Starts an endpoint for each hub. A hub whose host name is an IP address listens on that address
   * (so that several hubs can share the standard port 8883 on loopback aliases such as {@code
   * 127.42.0.1}); any other listens on {@code defaultBind}.
   *
   * @param port the MQTT port of every hub; 0 picks a free one per hub
   * @throws IOException if an address cannot be bound; hubs already started are closed
   */
  public static Hubs start(
      List<LinkedHub> hubs, int port, String defaultBind, HubServer.Settings settings)
      throws IOException {
    Map<String, HubServer> servers = new LinkedHashMap<>();
    try {
      for (LinkedHub hub : hubs) {
        String host = hub.hostName();
        if (!isServable(host)) {
          // A hostile hub name is linked on purpose (to test what devices do with it); DPS still
          // assigns it, but no endpoint can carry it in a certificate.
          LOG.warning(() -> "no MQTT endpoint for a hub whose name is no host name");
          continue;
        }
        InetAddress bind = InetAddress.getByName(isIpLiteral(host) ? host : defaultBind);
        servers.put(
            key(host),
            HubServer.start(new InetSocketAddress(bind, port), new HubState(host), settings));
      }
    } catch (IOException | RuntimeException e) {
      servers.values().forEach(HubServer::close);
      throw e;
    }
    return new Hubs(servers);
  }

  /** A DNS name or an IP address: what a certificate can name and a socket can reach. */
  public static boolean isServable(String host) {
    return isIpLiteral(host)
        || host.matches(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
        || host.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  }

  private static String key(String host) {
    return host.toLowerCase(Locale.ROOT);
  }

  /** The hub with this host name (any case), if it has an endpoint. */
  public Optional<HubState> state(String hostName) {
    return Optional.ofNullable(servers.get(key(hostName))).map(HubServer::state);
  }

  /** The MQTT port of the hub with this host name, if it has an endpoint. */
  public Optional<Integer> port(String hostName) {
    return Optional.ofNullable(servers.get(key(hostName))).map(HubServer::port);
  }

  /** Every hub's state, in the order the hubs were linked. */
  public List<HubState> states() {
    List<HubState> states = new ArrayList<>();
    servers.values().forEach(server -> states.add(server.state()));
    return states;
  }

  /**
   * Applies a new registration to the hubs: the device leaves a hub it no longer belongs to, and
   * its twin is migrated, reset or kept as the record's substatus says.
   */
  public void assigned(Optional<RegistrationRecord> previous, RegistrationRecord current) {
    Optional<Twin> carried = Optional.empty();
    if (previous.isPresent()) {
      Optional<HubState> oldHub = state(previous.get().assignedHub());
      boolean moved = !previous.get().assignedHub().equalsIgnoreCase(current.assignedHub());
      boolean sameDevice = previous.get().deviceId().equals(current.deviceId());
      if (moved || !sameDevice) {
        carried = oldHub.flatMap(hub -> hub.remove(previous.get().deviceId()));
      }
    }
    Optional<HubState> newHub = state(current.assignedHub());
    if (newHub.isEmpty()) {
      return;
    }
    switch (current.substatus()) {
      case MIGRATED -> {
        Optional<Twin> twin = carried;
        twin.ifPresent(t -> newHub.get().adopt(current.deviceId(), t));
      }
      case RESET, REPROVISIONED_TO_INITIAL -> newHub.get().remove(current.deviceId());
      default -> {
        // initialAssignment on the same hub keeps the twin; a moved device starts afresh there.
      }
    }
  }

  @Override
  public void close() {
    servers.values().forEach(HubServer::close);
  }
}
