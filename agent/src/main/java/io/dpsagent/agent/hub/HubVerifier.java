package io.dpsagent.agent.hub;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.DeviceAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.HubConfig;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.HubVerification.Result;
import io.dpsagent.agent.sas.SasToken;
import io.dpsagent.agent.tls.TrustStores;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.TlsIdentity;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Proves an assignment: connects to the assigned hub as the device, with the credential DPS just
 * accepted (a SAS token signed by the device's key, wherever it lives, or its TLS client
 * certificate), and reads the twin whose desired properties DPS set from the enrollment. It never
 * fails for the network: an unreachable hub is an outcome, as is a hub that refuses the identity.
 */
public final class HubVerifier {

  private static final Log LOG = Log.of(HubVerifier.class);

  /** The token only has to outlive the CONNECT; a short one is worth little if it leaks. */
  public static final Duration TOKEN_TTL = Duration.ofMinutes(5);

  private final HubConfig config;
  private final X509TrustManager trust;
  private final Clock clock;

  /** Reads {@code hub.ca_file} now, so that a bad one fails before DPS is contacted. */
  private HubVerifier(HubConfig config, Clock clock) throws AgentException {
    this.config = config;
    this.trust = TrustStores.trustManager(config.caFile(), "hub.ca_file");
    this.clock = clock;
  }

  /**
   * The verifier a command uses, or empty when verification is off for it.
   *
   * @param daemon whether the command is {@code dps-agent run} (verification on by default)
   */
  public static Optional<HubVerifier> forCommand(AgentConfig agent, boolean daemon, Clock clock)
      throws AgentException {
    HubConfig hub = agent.hub();
    if (!hub.verifies(daemon)) {
      return Optional.empty();
    }
    return Optional.of(new HubVerifier(hub, clock));
  }

  /** {@code info} with the outcome of verifying its hub, or as not verified without a verifier. */
  public static ConnectionInfo verified(
      Optional<HubVerifier> verifier, ConnectionInfo info, DeviceAuthentication device)
      throws AgentException {
    return info.withHubVerification(
        verifier.isPresent() ? verifier.get().verify(info, device) : HubVerification.NOT_VERIFIED);
  }

  /** Opens the client identity a verification connects with, only when there is one to make. */
  @FunctionalInterface
  public interface IdentitySource {
    TlsIdentity open() throws AgentException;
  }

  /**
   * {@code info} with the outcome of verifying its hub with a certificate DPS just issued ({@code
   * certificate_issuance}), or as not verified without a verifier; the identity is opened only to
   * verify.
   */
  public static ConnectionInfo verified(
      Optional<HubVerifier> verifier, ConnectionInfo info, IdentitySource issued)
      throws AgentException {
    return info.withHubVerification(
        verifier.isPresent()
            ? verifier.get().verify(info, issued.open())
            : HubVerification.NOT_VERIFIED);
  }

  /**
   * Connects to {@code info}'s hub as its device, with the credential of its attestation (a SAS
   * token, or its TLS client certificate), and reads the twin.
   *
   * @throws AgentException only when the device's key cannot sign (a TPM or HSM failure)
   */
  public HubVerification verify(ConnectionInfo info, DeviceAuthentication device)
      throws AgentException {
    if ("x509".equals(device.hubAuth().type())) {
      return connect(info, Optional.empty(), device.tlsIdentity(), "the client certificate");
    }
    return connect(info, Optional.of(token(info, device)), Optional.empty(), "a SAS token");
  }

  /**
   * Connects to {@code info}'s hub as its device with {@code issued}, the certificate DPS issued at
   * this registration and its key (in a file, a token or the TPM), and reads the twin.
   */
  public HubVerification verify(ConnectionInfo info, TlsIdentity issued) throws AgentException {
    return connect(info, Optional.empty(), Optional.of(issued), "the issued certificate");
  }

  private HubVerification connect(
      ConnectionInfo info,
      Optional<char[]> token,
      Optional<TlsIdentity> identity,
      String credentialName)
      throws AgentException {
    String endpoint = info.hubHostName() + ":" + config.port();
    TwinClient client = new TwinClient(info.hubHostName(), config.port(), info.deviceId());
    TwinClient.Credential credential =
        new TwinClient.Credential(
            token, TrustStores.clientContext(trust, identity).getSocketFactory());
    LOG.debug(
        () ->
            "verifying the assignment: connecting to "
                + endpoint
                + " as "
                + info.deviceId()
                + " with "
                + credentialName);
    HubVerification outcome;
    try {
      TwinClient.TwinReply reply = client.readTwin(credential, Deadline.after(config.timeout()));
      outcome = reached(endpoint, reply);
    } catch (TwinClient.Connected e) {
      outcome = HubVerification.reachable(clock.instant(), Optional.empty(), e.getMessage());
    } catch (MqttException e) {
      outcome = refused(info, endpoint, e);
    }
    report(outcome);
    return outcome;
  }

  private HubVerification reached(String endpoint, TwinClient.TwinReply reply) {
    if (reply.status() != 200) {
      return HubVerification.reachable(
          clock.instant(),
          Optional.empty(),
          endpoint + " accepted the device; its twin GET answered " + reply.status());
    }
    return HubVerification.reachable(
        clock.instant(),
        reply.twin().flatMap(TwinClient::desired),
        endpoint + " accepted the device and sent its twin");
  }

  private HubVerification refused(ConnectionInfo info, String endpoint, MqttException e) {
    if (HubFailures.refusedCredential(e)) {
      return HubVerification.failed(
          Result.REJECTED,
          clock.instant(),
          "the hub "
              + info.hubHostName()
              + " refused device "
              + info.deviceId()
              + " with "
              + HubFailures.connack(e)
              + ": DPS assigned it there, but the hub does not accept its credential");
    }
    return HubVerification.failed(
        Result.UNREACHABLE,
        clock.instant(),
        HubFailures.unreachable(e, endpoint, config.timeout().toSeconds()));
  }

  private static void report(HubVerification outcome) {
    String detail = outcome.detail().orElse("");
    switch (outcome.result()) {
      case REACHABLE -> {
        if (outcome.desired().isPresent()) {
          LOG.info("hub verified: " + detail);
        } else {
          LOG.warning("hub verified, but without its twin: " + detail);
        }
      }
      case UNREACHABLE -> LOG.warning("hub not verified: " + detail);
      default -> {} // a rejection is the caller's to report: it acts on it
    }
  }

  /** A device-scoped hub SAS token (no key name), as IoT Hub takes it in the MQTT password. */
  private char[] token(ConnectionInfo info, DeviceAuthentication device) throws AgentException {
    String resource = info.hubHostName() + "/devices/" + info.deviceId();
    try {
      return SasToken.build(resource, device.hubSigner(), clock.instant().plus(TOKEN_TTL), null)
          .toCharArray();
    } catch (HsmException e) {
      throw AgentException.hsm("cannot sign the hub token: ", e);
    }
  }
}
