package io.dpsagent.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.daemon.DaemonState;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.agent.output.ConnectionInfo;
import io.dpsagent.agent.output.HubVerification;
import io.dpsagent.agent.output.IssuedCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dps-agent status}: the cached assignment, the identity fingerprint, and what the daemon
 * last did and will do next. It reads files only (never the TPM or the network), so it is fast.
 */
final class StatusCommand extends ConfiguredCommand {

  boolean json;

  /** Its picocli model, built by code ({@link Specs}); {@link Main} hands in the context. */
  static CommandSpec spec(Main.Context context) {
    StatusCommand command = new StatusCommand();
    return Specs.configured(
        command,
        context,
        "status",
        "Show the cached assignment, the daemon's state, its last error, next retry and token"
            + " expiry.",
        List.of(
            Specs.flag(
                "--json", "print one JSON document", () -> command.json, v -> command.json = v)));
  }

  /** The command {@code --json} and {@code --config} configure, made without picocli. */
  static StatusCommand of(Main.Context context, boolean json, Optional<Path> config) {
    StatusCommand command = new StatusCommand();
    command.configure(context, config);
    command.json = json;
    return command;
  }

  @Override
  public Integer call() throws AgentException, IOException {
    AgentConfig loaded = loadConfig();
    Optional<ConnectionInfo> connection = ConnectionInfo.readIfPresent(loaded.output().dir());
    Optional<DaemonState> daemon = DaemonState.read(loaded.output().dir());
    if (json) {
      context.out().println(JsonTrees.write(document(connection, daemon)));
    } else {
      print(context.out(), connection, daemon);
    }
    return succeeded();
  }

  // No lambdas below: the launcher's class-data archive holds only the ones its recorded status
  // run reached (plain text, maybe no daemon state yet); any other is spun at run time, ~0.5 ms
  // each.

  static ObjectNode document(Optional<ConnectionInfo> connection, Optional<DaemonState> daemon) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("provisioned", connection.isPresent());
    if (connection.isPresent()) {
      ConnectionInfo c = connection.get();
      ObjectNode a = root.putObject("assignment");
      a.put("hubHostName", c.hubHostName());
      a.put("deviceId", c.deviceId());
      a.put("registrationId", c.registrationId());
      a.put("idScope", c.idScope());
      a.put("attestation", c.attestation());
      a.put("authType", c.hubAuth().type());
      a.put("provisionedAt", c.provisionedAt().toString());
      put(a, "identityFingerprint", c.identityFingerprint());
      a.set("hubVerification", c.hubVerification().toJson());
      if (c.certificate().isPresent()) {
        a.set("certificate", c.certificate().get().toJson());
      }
    }
    ObjectNode d = root.putObject("daemon");
    d.put("running", daemon.isPresent() && daemon.get().daemonRunning());
    if (daemon.isPresent()) {
      DaemonState s = daemon.get();
      d.put("pid", s.pid());
      d.put("phase", s.phase());
      d.put("source", s.source());
      d.put("startedAt", s.startedAt().toString());
      if (s.lastAttempt().isPresent()) {
        d.set("lastAttempt", s.lastAttempt().get().toJson());
      }
      put(d, "nextAttemptAt", s.nextAttemptAt());
      put(d, "tokenExpiresAt", s.tokenExpiresAt());
      put(d, "certificateRenewalAt", s.certificateRenewalAt());
    }
    return root;
  }

  /** Sets {@code field} to the text of {@code value}, when there is one. */
  private static void put(ObjectNode node, String field, Optional<?> value) {
    if (value.isPresent()) {
      node.put(field, value.get().toString());
    }
  }

  private static String hubLine(HubVerification hub) {
    return hub.result().configName().replace('_', ' ')
        + (hub.at().isPresent() ? " at " + hub.at().get() : "")
        + (hub.detail().isPresent() ? " (" + hub.detail().get() + ")" : "");
  }

  private static void print(
      PrintStream out, Optional<ConnectionInfo> connection, Optional<DaemonState> daemon) {
    if (connection.isPresent()) {
      ConnectionInfo c = connection.get();
      out.println("assignment:    " + c.deviceId() + " on " + c.hubHostName());
      out.println(
          "identity:      "
              + c.registrationId()
              + " ("
              + c.attestation()
              + ", scope "
              + c.idScope()
              + ")"
              + (c.identityFingerprint().isPresent() ? ", " + c.identityFingerprint().get() : ""));
      out.println("provisioned:   " + c.provisionedAt());
      out.println("hub:           " + hubLine(c.hubVerification()));
      if (c.certificate().isPresent()) {
        IssuedCertificate cert = c.certificate().get();
        out.println(
            "certificate:   "
                + cert.file()
                + " expires "
                + cert.notAfter()
                + " (sha256 "
                + cert.sha256Fingerprint()
                + ")");
      }
    } else {
      out.println("assignment:    none (not provisioned yet)");
    }
    if (daemon.isEmpty()) {
      out.println("daemon:        not running (no state recorded)");
      return;
    }
    DaemonState s = daemon.get();
    out.println(
        "daemon:        "
            + (s.daemonRunning()
                ? "running, PID "
                    + s.pid()
                    + ", "
                    + s.phase()
                    + " (assignment from "
                    + s.source()
                    + ")"
                : "not running (last seen " + s.updatedAt() + ")"));
    if (s.lastAttempt().isPresent()) {
      DaemonState.Attempt a = s.lastAttempt().get();
      out.println(
          "last attempt:  "
              + a.at()
              + " "
              + (a.succeeded()
                  ? "succeeded"
                  : "failed (" + a.kind().orElse("?") + "): " + a.message().orElse("")));
    }
    line(out, "next attempt:  ", s.nextAttemptAt());
    line(out, "hub token:     valid until ", s.tokenExpiresAt());
    line(out, "renewal due:   ", s.certificateRenewalAt());
  }

  /** Prints {@code label} and {@code value}, when there is one. */
  private static void line(PrintStream out, String label, Optional<?> value) {
    if (value.isPresent()) {
      out.println(label + value.get());
    }
  }
}
