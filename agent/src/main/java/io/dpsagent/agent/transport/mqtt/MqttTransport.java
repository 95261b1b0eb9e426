package io.dpsagent.agent.transport.mqtt;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.ProvisioningConfig;
import io.dpsagent.agent.config.Transport;
import io.dpsagent.agent.dps.DpsMessages;
import io.dpsagent.agent.dps.DpsResponse;
import io.dpsagent.agent.dps.DpsTransport;
import io.dpsagent.agent.dps.Operation;
import io.dpsagent.agent.dps.RegistrationRequest;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.agent.log.Log;
import io.dpsagent.agent.transport.ConnectionFailures;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.NoDelaySocketFactory;
import io.dpsagent.agent.transport.proxy.TunnellingSslSocketFactory;
import io.dpsagent.hsm.Printable;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The DPS device API over MQTT: requests are publishes with a request ID ({@code $rid}), answers
 * arrive on the reply topic with the HTTP status in it. One connection serves a whole registration;
 * a lost connection or a missing answer fails the request (transient), and the next request
 * reconnects with a freshly minted token.
 */
public final class MqttTransport implements DpsTransport {

  private static final Log LOG = Log.of(MqttTransport.class);

  /** The path IoT Hub and DPS serve MQTT-over-WebSocket on. */
  static final String WEBSOCKET_PATH = "/$iothub/websocket";

  private final MqttSession.Connector connector;
  private final String endpoint;
  private final String apiVersion;
  private final Map<String, CompletableFuture<DpsResponse>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextRid = new AtomicLong(1);
  private MqttSession session;

  MqttTransport(MqttSession.Connector connector, String endpoint, String apiVersion) {
    this.connector = connector;
    this.endpoint = endpoint;
    this.apiVersion = apiVersion;
  }

  /**
   * Opens the MQTT flavour {@code config.transport()} names. The MQTT client ID is the registration
   * ID, as DPS requires.
   */
  public static MqttTransport open(
      ProvisioningConfig config, String registrationId, SSLContext tls) {
    Transport transport = config.transport();
    String authority = config.endpoint().authority(transport);
    Duration connect = config.retry().connectTimeout();
    SSLSocketFactory sockets =
        config
            .proxy()
            .<SSLSocketFactory>map(
                proxy -> new TunnellingSslSocketFactory(tls.getSocketFactory(), proxy, connect))
            .orElse(new NoDelaySocketFactory(tls.getSocketFactory()));
    if (transport == Transport.MQTT_WS) {
      String uri = "wss://" + authority + WEBSOCKET_PATH;
      ClientSettings settings = new ClientSettings(uri, registrationId, sockets, connect);
      return new MqttTransport(PahoV3Session.connector(settings), uri, config.apiVersion());
    }
    ClientSettings settings =
        new ClientSettings("ssl://" + authority, registrationId, sockets, connect);
    return new MqttTransport(
        transport == Transport.MQTT5
            ? PahoV5Session.connector(settings)
            : PahoV3Session.connector(settings),
        "mqtts://" + authority,
        config.apiVersion());
  }

  @Override
  public DpsResponse register(
      RegistrationRequest request, Optional<String> authorization, Duration timeout)
      throws IOException {
    return exchange(
        request,
        authorization,
        DpsTopics::register,
        DpsMessages.registrationBody(request),
        Deadline.after(timeout));
  }

  @Override
  public DpsResponse poll(Operation operation, Optional<String> authorization, Duration timeout)
      throws IOException {
    return exchange(
        operation.request(),
        authorization,
        rid -> DpsTopics.poll(rid, operation.id()),
        new byte[0],
        Deadline.after(timeout));
  }

  @Override
  public AgentException failure(IOException e) {
    return ConnectionFailures.classify(e, describe());
  }

  @Override
  public String describe() {
    return endpoint;
  }

  @Override
  public synchronized void close() {
    disconnect();
  }

  private synchronized DpsResponse exchange(
      RegistrationRequest request,
      Optional<String> authorization,
      java.util.function.Function<String, String> topic,
      byte[] payload,
      Deadline deadline)
      throws IOException {
    if (session != null && !session.isConnected()) {
      disconnect();
    }
    if (session == null) {
      try {
        session =
            connector.connect(
                DpsTopics.username(request.idScope(), request.registrationId(), apiVersion),
                authorization.orElse(null),
                new Replies(),
                deadline);
      } catch (MqttSession.NotAuthorizedException e) {
        return new DpsResponse(
            401,
            Optional.empty(),
            Optional.empty(),
            JsonTrees.write(JsonNodeFactory.instance.objectNode().put("message", e.getMessage())));
      }
    }
    String rid = Long.toString(nextRid.getAndIncrement());
    CompletableFuture<DpsResponse> answer = new CompletableFuture<>();
    pending.put(rid, answer);
    try {
      session.publish(topic.apply(rid), payload, deadline);
      return answer.get(deadline.millisLeft(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      disconnect(); // a silent broker is not trusted with the next request
      throw new HttpTimeoutException("no MQTT reply within " + Deadline.describe(deadline.total()));
    } catch (ExecutionException e) {
      disconnect();
      throw e.getCause() instanceof IOException
          ? (IOException) e.getCause()
          : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      disconnect();
      throw e;
    } finally {
      pending.remove(rid);
    }
  }

  private void disconnect() {
    if (session != null) {
      session.close();
      session = null;
    }
  }

  /** Routes replies to the request that carries their {@code $rid}. */
  private final class Replies implements MqttSession.Listener {
    @Override
    public void onMessage(String topic, byte[] payload) {
      Optional<DpsTopics.Reply> reply = DpsTopics.parseReply(topic);
      CompletableFuture<DpsResponse> waiting = reply.map(r -> pending.get(r.rid())).orElse(null);
      if (waiting == null) {
        LOG.debug(
            () -> "ignoring MQTT message on " + Printable.escape(topic, Printable.DEFAULT_MAX));
        return;
      }
      waiting.complete(
          new DpsResponse(
              reply.get().status(),
              reply.get().retryAfter(),
              Optional.empty(),
              new String(payload, StandardCharsets.UTF_8)));
    }

    @Override
    public void onConnectionLost(Throwable cause) {
      IOException lost =
          new IOException(
              "MQTT connection lost"
                  + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
      pending.values().forEach(f -> f.completeExceptionally(lost));
    }
  }
}
