package io.dpsagent.example;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * The application side of a provisioned device, as a recipe to copy: read what the agent wrote,
 * connect to the assigned hub, read the twin's desired properties, send telemetry, and renew the
 * token by reconnecting before it expires.
 *
 * <pre>
 * java -jar example-hub-client.jar --dir /var/lib/dps-agent [--token-file /run/dps-agent/hub-token]
 *     [--ca-file hub-ca.pem] [--port 8883] [--messages 1] [--interval-seconds 10]
 *     [--hub-rejected /run/dps-agent/requests/hub-rejected]
 * </pre>
 *
 * Prints one JSON line per event on stdout. Exit codes: 0 done, 2 bad arguments or files, 3 the hub
 * refused the identity (after creating the {@code --hub-rejected} file, which makes the agent's
 * daemon register again), 5 the hub could not be reached.
 */
public final class HubClientApplication {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Reconnect with a fresh token once less than this is left of the current one.
  private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);
  private static final Duration SIGNED_TOKEN_TTL = Duration.ofHours(1);

  private HubClientApplication() {}

  /** The options; see the class comment. */
  record Options(
      Path dir,
      Optional<Path> tokenFile,
      Optional<Path> caFile,
      int port,
      int messages,
      Duration interval,
      Optional<Path> hubRejected) {

    static Options parse(String[] args) {
      Path dir = null;
      Optional<Path> tokenFile = Optional.empty();
      Optional<Path> caFile = Optional.empty();
      Optional<Path> hubRejected = Optional.empty();
      int port = 8883;
      int messages = 1;
      Duration interval = Duration.ofSeconds(10);
      for (int i = 0; i < args.length; i += 2) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[i + 1];
        switch (name) {
          case "--dir" -> dir = Path.of(value);
          case "--token-file" -> tokenFile = Optional.of(Path.of(value));
          case "--ca-file" -> caFile = Optional.of(Path.of(value));
          case "--hub-rejected" -> hubRejected = Optional.of(Path.of(value));
          case "--port" -> port = Integer.parseInt(value);
          case "--messages" -> messages = Integer.parseInt(value);
          case "--interval-seconds" -> interval = Duration.ofSeconds(Long.parseLong(value));
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--dir (the agent's output directory) is required");
      }
      return new Options(dir, tokenFile, caFile, port, messages, interval, hubRejected);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the application and returns its exit code. */
  public static int run(String[] args) {
    Options options;
    DeviceIdentity device;
    SSLContext tls;
    Optional<HubPassword> password;
    try {
      options = Options.parse(args);
      device = DeviceIdentity.read(options.dir());
      tls = TlsContexts.create(options.caFile(), device.certificateFile(), device.privateKeyFile());
      password = password(device, options);
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      System.err.println("hub-client: " + e.getMessage());
      return 2;
    }
    try {
      return session(device, options, tls, password);
    } catch (MqttException e) {
      return refused(e, options);
    } catch (IOException e) {
      System.err.println("hub-client: " + e.getMessage());
      return 5;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 5;
    }
  }

  private static int session(
      DeviceIdentity device, Options options, SSLContext tls, Optional<HubPassword> password)
      throws MqttException, IOException, InterruptedException {
    HubPassword.Token token = password.isPresent() ? password.get().current() : null;
    HubConnection hub = HubConnection.open(device, options.port(), tls, value(token));
    try {
      print(event("connected").put("hub", device.hubHostName()).put("deviceId", device.deviceId()));
      print(event("twin").set("desired", hub.desiredProperties()));
      for (int seq = 1; seq <= options.messages(); seq++) {
        if (token != null && Instant.now().plus(RENEW_BEFORE).isAfter(token.expiry())) {
          hub.close();
          token = password.get().current();
          hub = HubConnection.open(device, options.port(), tls, token.value());
          print(event("renewed").put("expiry", token.expiry().toString()));
        }
        hub.send(JSON.createObjectNode().put("seq", seq).put("at", Instant.now().toString()));
        print(event("sent").put("seq", seq));
        if (seq < options.messages()) {
          Thread.sleep(options.interval().toMillis());
        }
      }
      return 0;
    } finally {
      hub.close();
    }
  }

  private static Optional<HubPassword> password(DeviceIdentity device, Options options)
      throws IOException {
    if (device.authType().equals("x509")) {
      if (device.certificateFile().isEmpty() || device.privateKeyFile().isEmpty()) {
        throw new IOException(
            "connection.json: this recipe reads X.509 keys from file:// PEM (PKCS#8) only");
      }
      return Optional.empty();
    }
    if (device.sharedAccessKey().isPresent()) {
      return Optional.of(
          HubPassword.signedWith(
              device.hubHostName(),
              device.deviceId(),
              device.sharedAccessKey().get(),
              SIGNED_TOKEN_TTL));
    }
    if (options.tokenFile().isPresent()) {
      return Optional.of(HubPassword.fromTokenFile(options.tokenFile().get()));
    }
    throw new IOException(
        "no connection-string with a SharedAccessKey: the key lives in a TPM or HSM; pass"
            + " --token-file with the agent daemon's hub-token");
  }

  private static int refused(MqttException e, Options options) {
    int code = e.getReasonCode();
    boolean rejected =
        code == MqttException.REASON_CODE_NOT_AUTHORIZED
            || code == MqttException.REASON_CODE_FAILED_AUTHENTICATION;
    if (!rejected) {
      System.err.println("hub-client: cannot reach the hub: " + e);
      return 5;
    }
    System.err.println("hub-client: the hub refused the identity (CONNACK " + code + ")");
    options.hubRejected().ifPresent(HubClientApplication::touch);
    return 3;
  }

  // The agent's daemon watches this file and registers again; it may have moved the device.
  private static void touch(Path file) {
    try {
      Files.write(file, new byte[0]);
    } catch (IOException e) {
      System.err.println("hub-client: cannot report the rejection in " + file + ": " + e);
    }
  }

  private static String value(HubPassword.Token token) {
    return token == null ? null : token.value();
  }

  private static ObjectNode event(String name) {
    return JSON.createObjectNode().put("event", name);
  }

  private static void print(ObjectNode event) {
    System.out.println(event);
  }
}
