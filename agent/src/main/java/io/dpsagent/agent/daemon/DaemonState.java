package io.dpsagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What the daemon is doing, for {@code dps-agent status}: {@code state.json} next to {@code
 * connection.json}, replaced atomically on every change. It holds no secret.
 *
 * @param pid the daemon's process ID
 * @param phase {@code starting}, {@code provisioning}, {@code waiting} (for DPS, with a next
 *     attempt), {@code ready} or {@code stopped}
 * @param source where the assignment in use came from: {@code dps}, {@code cache} or {@code none}
 * @param lastAttempt when the daemon last talked to DPS, and how that ended
 * @param certificateRenewalAt when the certificate DPS issued is next renewed (certificate issuance
 *     only; after a failed renewal, the next attempt)
 */
public record DaemonState(
    long pid,
    Instant startedAt,
    String phase,
    String source,
    Optional<Attempt> lastAttempt,
    Optional<Instant> nextAttemptAt,
    Optional<Instant> tokenExpiresAt,
    Optional<Instant> certificateRenewalAt,
    Instant updatedAt) {

  public static final String FILE = "state.json";

  /**
   * One registration attempt's outcome.
   *
   * @param kind empty on success, else the failure kind ({@code transient}, {@code refused}, ...)
   */
  public record Attempt(
      Instant at, boolean succeeded, Optional<String> kind, Optional<String> message) {

    /** As {@code state.json} and {@code status --json} show it. */
    public ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("at", at.toString());
      node.put("succeeded", succeeded);
      if (kind.isPresent()) {
        node.put("kind", kind.get());
      }
      if (message.isPresent()) {
        node.put("message", message.get());
      }
      return node;
    }
  }

  DaemonState phase(String newPhase, Instant now) {
    return new DaemonState(
        pid,
        startedAt,
        newPhase,
        source,
        lastAttempt,
        nextAttemptAt,
        tokenExpiresAt,
        certificateRenewalAt,
        now);
  }

  DaemonState attempted(Attempt attempt, Optional<Instant> next, Instant now) {
    return new DaemonState(
        pid,
        startedAt,
        attempt.succeeded() ? phase : "waiting",
        source,
        Optional.of(attempt),
        next,
        tokenExpiresAt,
        certificateRenewalAt,
        now);
  }

  DaemonState serving(String newSource, Instant now) {
    return new DaemonState(
        pid,
        startedAt,
        "ready",
        newSource,
        lastAttempt,
        Optional.empty(),
        tokenExpiresAt,
        certificateRenewalAt,
        now);
  }

  DaemonState token(Instant expiry, Instant now) {
    return new DaemonState(
        pid,
        startedAt,
        phase,
        source,
        lastAttempt,
        nextAttemptAt,
        Optional.of(expiry),
        certificateRenewalAt,
        now);
  }

  DaemonState renewal(Optional<Instant> at, Instant now) {
    return new DaemonState(
        pid, startedAt, phase, source, lastAttempt, nextAttemptAt, tokenExpiresAt, at, now);
  }

  void write(Path dir) throws IOException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("pid", pid);
    root.put("startedAt", startedAt.toString());
    root.put("phase", phase);
    root.put("source", source);
    lastAttempt.ifPresent(a -> root.set("lastAttempt", a.toJson()));
    nextAttemptAt.ifPresent(t -> root.put("nextAttemptAt", t.toString()));
    tokenExpiresAt.ifPresent(t -> root.put("tokenExpiresAt", t.toString()));
    certificateRenewalAt.ifPresent(t -> root.put("certificateRenewalAt", t.toString()));
    root.put("updatedAt", updatedAt.toString());
    AtomicFiles.write(
        dir.resolve(FILE),
        (JsonTrees.writeIndented(root) + "\n").getBytes(StandardCharsets.UTF_8),
        AtomicFiles.GROUP_READABLE);
  }

  /** The last state a daemon wrote in {@code dir}; empty when none, or when it cannot be read. */
  public static Optional<DaemonState> read(Path dir) {
    try {
      JsonNode root = JsonTrees.parse(Files.readAllBytes(dir.resolve(FILE)));
      JsonNode last = root.path("lastAttempt");
      Optional<Attempt> attempt =
          last.isObject()
              ? Optional.of(
                  new Attempt(
                      Instant.parse(last.path("at").asText()),
                      last.path("succeeded").asBoolean(),
                      text(last, "kind"),
                      text(last, "message")))
              : Optional.empty();
      return Optional.of(
          new DaemonState(
              root.path("pid").asLong(),
              Instant.parse(root.path("startedAt").asText()),
              root.path("phase").asText(),
              root.path("source").asText(),
              attempt,
              text(root, "nextAttemptAt").map(Instant::parse),
              text(root, "tokenExpiresAt").map(Instant::parse),
              text(root, "certificateRenewalAt").map(Instant::parse),
              Instant.parse(root.path("updatedAt").asText())));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | DateTimeParseException e) {
      return Optional
          .empty(); // a state file from another version or a torn disk: status says "unknown"
    }
  }

  /** True when the process that wrote this state is alive and has not said it stopped. */
  public boolean daemonRunning() {
    return !phase.equals("stopped")
        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }
}
