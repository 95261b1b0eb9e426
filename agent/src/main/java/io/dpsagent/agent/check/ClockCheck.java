package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * {@code clock}: the device's clock agrees with the endpoint's {@code Date} header. SAS tokens and
 * certificates are judged by the service's clock, so a skewed device is rejected although its key
 * is right: beyond {@link #WARN_SKEW} this warns, beyond {@link #MAX_SKEW} (DPS's tolerance) it
 * fails.
 */
final class ClockCheck extends NamedCheck {

  static final String ID = "clock";
  static final Duration WARN_SKEW = Duration.ofMinutes(1);
  static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private static final String FIX =
      "set the clock and keep it synchronised: timedatectl set-ntp true"
          + " (or chrony/systemd-timesyncd); check with date -u";

  private final Endpoint endpoint;
  private final Clock clock;

  /**
   * Over HTTPS the clock is read on the connection endpoint-tls proved; otherwise on DPS's HTTPS
   * port.
   */
  ClockCheck(Endpoint endpoint, Clock clock) {
    super(
        ID,
        List.of(
            endpoint.transport() == Transport.HTTPS ? EndpointTlsCheck.ID : EndpointDnsCheck.ID));
    this.endpoint = endpoint;
    this.clock = clock;
  }

  @Override
  public Verdict run() {
    Optional<Integer> port = httpsPort();
    if (port.isEmpty()) {
      return Verdict.skipped(
          "global_endpoint names port "
              + endpoint.port()
              + " for "
              + endpoint.transport().configName()
              + "; the HTTPS port that tells the time is unknown");
    }
    String target = endpoint.describe(port.get());
    Optional<String> date;
    Instant asked = clock.instant();
    try (SSLSocket socket = endpoint.handshake(port.get())) {
      asked = clock.instant();
      date = endpoint.httpDate(socket);
    } catch (IOException | AgentException e) {
      return Verdict.warning(
          "cannot read the time from " + target + ": " + e.getMessage(),
          "make sure the endpoint's HTTPS port is reachable, or compare date -u with a trusted clock");
    }
    Instant answered = clock.instant();
    if (date.isEmpty()) {
      return Verdict.warning(
          target + " sent no Date header", "compare date -u with a trusted clock");
    }
    Instant server;
    try {
      server = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return Verdict.warning(
          target + " sent an unreadable Date header '" + date.get() + "'",
          "compare date -u with a trusted clock");
    }
    return judge(asked.plus(Duration.between(asked, answered).dividedBy(2)), server, target);
  }

  /**
   * The HTTPS port: the transport's own, or 443 when the endpoint names no port (DPS serves both).
   */
  private Optional<Integer> httpsPort() {
    if (endpoint.transport() == Transport.HTTPS) {
      return Optional.of(endpoint.port());
    }
    return endpoint.hasPort() ? Optional.empty() : Optional.of(Transport.HTTPS.defaultPort());
  }

  static Verdict judge(Instant local, Instant server, String target) {
    Duration skew = Duration.between(server, local);
    long seconds = skew.abs().toSeconds();
    String text =
        "this device's clock is "
            + seconds
            + " s "
            + (skew.isNegative() ? "behind " : "ahead of ")
            + target
            + " (Date "
            + server
            + ")";
    if (skew.abs().compareTo(MAX_SKEW) > 0) {
      return Verdict.error(
          AgentException.Kind.ATTESTATION_REJECTED,
          text
              + ": beyond DPS's "
              + MAX_SKEW.toMinutes()
              + " minutes, tokens and certificates are refused",
          FIX);
    }
    if (skew.abs().compareTo(WARN_SKEW) > 0) {
      return Verdict.warning(text, FIX);
    }
    return Verdict.ok(
        seconds <= 1
            ? "this device's clock agrees with " + target + " (Date " + server + ")"
            : text);
  }
}
