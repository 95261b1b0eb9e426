package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code endpoint-dns}: the endpoint's host name resolves (the proxy's, when DPS is reached through
 * one).
 */
final class EndpointDnsCheck extends NamedCheck {

  static final String ID = "endpoint-dns";

  private final Endpoint endpoint;

  EndpointDnsCheck(Endpoint endpoint) {
    super(ID);
    this.endpoint = endpoint;
  }

  @Override
  public Verdict run() {
    String host = endpoint.resolvedHost();
    String what = endpoint.proxy().isPresent() ? "proxy host " + host : host;
    try {
      List<InetAddress> addresses = endpoint.resolve();
      return Verdict.ok(
          what
              + " resolves to "
              + addresses.stream()
                  .map(InetAddress::getHostAddress)
                  .collect(Collectors.joining(", ")));
    } catch (UnknownHostException e) {
      return Verdict.error(
          AgentException.Kind.TRANSIENT,
          "cannot resolve " + what,
          "check "
              + (endpoint.proxy().isPresent()
                  ? "provisioning.proxy (or https_proxy)"
                  : "global_endpoint")
              + " and the DNS servers in /etc/resolv.conf (getent hosts "
              + host
              + ")");
    } catch (TimeoutException e) {
      return Verdict.error(
          AgentException.Kind.TRANSIENT,
          "no DNS answer for " + what + " within " + endpoint.timeout().toSeconds() + " s",
          "check the DNS servers in /etc/resolv.conf and the network");
    }
  }
}
