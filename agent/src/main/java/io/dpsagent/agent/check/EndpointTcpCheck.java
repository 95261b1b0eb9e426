package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * {@code endpoint-tcp}: a TCP connection to the endpoint on the transport's port opens; through the
 * proxy, that the proxy grants the {@code CONNECT} tunnel.
 */
final class EndpointTcpCheck extends NamedCheck {

  static final String ID = "endpoint-tcp";

  private final Endpoint endpoint;

  EndpointTcpCheck(Endpoint endpoint) {
    super(ID, List.of(EndpointDnsCheck.ID));
    this.endpoint = endpoint;
  }

  @Override
  public Verdict run() {
    int port = endpoint.port();
    String target = endpoint.describe(port);
    try (Socket socket = endpoint.connect(port)) {
      return Verdict.ok("connected to " + target + " (" + endpoint.transport().configName() + ")");
    } catch (SocketTimeoutException e) {
      return Verdict.error(
          AgentException.Kind.TRANSIENT,
          "no TCP answer from " + target + " within " + endpoint.timeout().toSeconds() + " s",
          firewallFix(port));
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Verdict.error(
          AgentException.Kind.TRANSIENT,
          "cannot connect to " + target + ": " + reason,
          endpoint.proxy().isPresent() && reason.startsWith("proxy ")
              ? "check provisioning.proxy (or https_proxy), its credentials, and that it allows CONNECT to port "
                  + port
              : firewallFix(port));
    }
  }

  private String firewallFix(int port) {
    return "check that the endpoint listens on port "
        + port
        + " for "
        + endpoint.transport().configName()
        + " and that outbound TCP "
        + port
        + " is allowed (or set provisioning.proxy)";
  }
}
