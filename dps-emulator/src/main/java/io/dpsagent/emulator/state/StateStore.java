package io.dpsagent.emulator.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.AtomicFiles;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.encoding.Timestamps;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.OperationCounts;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.Versioned;
import io.dpsagent.emulator.service.EnrollmentJson;
import io.dpsagent.emulator.service.InvalidRequestException;
import io.dpsagent.emulator.service.OperationCountsJson;
import io.dpsagent.emulator.service.RegistrationJson;
import io.dpsagent.emulator.service.SharedAccessPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a DPS instance's state in {@code <state dir>/state.json}: ID scope, linked hubs, shared
 * access policies, enrollments and groups (service API JSON with keys, etags and timestamps),
 * registration records and operation counts. Rewritten atomically, owner-only, after every change.
 *
 * <p>Writing and reading the file stand side by side, a little over 300 lines, so that its shape is
 * defined in one place and a field written is a field read back.
 */
public final class StateStore implements AutoCloseable {

  public static final String FILE_NAME = "state.json";
  static final int FORMAT_VERSION = 1;
  private static final Logger LOG = Logger.getLogger(StateStore.class.getName());

  /** A state read back from disk. */
  public record Loaded(Registry registry, List<SharedAccessPolicy> policies) {}

  private static final long CLOSE_TIMEOUT_SECONDS = 30;
  // After a background write of d, the next waits (IDLE_PER_WRITE * d): the file is rewritten
  // whole,
  // so under a steady stream of registrations back-to-back writes would take a core, more as it
  // grows.
  private static final int IDLE_PER_WRITE = 4;

  private final Path file;
  private final List<SharedAccessPolicy> policies;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile long nextWriteNanos = System.nanoTime();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "dps-emulator-state");
            thread.setDaemon(true);
            return thread;
          });

  public StateStore(Path directory, List<SharedAccessPolicy> policies) {
    this.file = directory.resolve(FILE_NAME);
    this.policies = List.copyOf(policies);
  }

  public Path file() {
    return file;
  }

  /** Creates the state directory, owner-only, if it does not exist yet. */
  public static void prepareDirectory(Path directory) throws IOException {
    AtomicFiles.createDirectory(directory, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * Reads the state file of {@code directory}; empty if there is none (a first start).
   *
   * @throws StateFileException if the file exists but cannot be used
   */
  public static Optional<Loaded> load(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new StateFileException(file, "corrupt state file: not valid JSON" + at(e));
    }
    try {
      return Optional.of(read(root));
    } catch (IllegalArgumentException | InvalidRequestException e) {
      throw new StateFileException(file, "corrupt state file: " + e.getMessage());
    }
  }

  /**
   * Writes {@code registry}'s state now. A failure is logged, not thrown: the emulator keeps
   * serving and the next change tries again.
   */
  public synchronized void save(Registry registry) {
    try {
      byte[] snapshot;
      // One consistent snapshot; the slow part (fsync) runs without holding the registry.
      synchronized (registry) {
        snapshot = Json.MAPPER.writeValueAsBytes(toJson(registry));
      }
      AtomicFiles.write(file, snapshot, AtomicFiles.OWNER_ONLY);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Cannot write the state file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes {@code registry}'s state now on the store's own thread, before any write {@link
   * #saveSoon} asks for later; completes once it is written (or its failure logged).
   */
  public CompletableFuture<Void> saveInBackground(Registry registry) {
    return CompletableFuture.runAsync(() -> save(registry), writer);
  }

  /**
   * Writes {@code registry}'s state soon, on the store's own thread. Changes made while a write is
   * pending share it, so that devices registering at once neither wait for the disk while the
   * registry is locked nor queue one write each; a write waits four times the last one's duration
   * after it, so writing takes at most a fifth of the time. {@link #close()} writes what is
   * pending.
   */
  public void saveSoon(Registry registry) {
    if (pending.compareAndSet(false, true)) {
      writer.schedule(
          () -> {
            pending.set(false); // before the snapshot: a later change schedules another write
            long start = System.nanoTime();
            save(registry);
            long end = System.nanoTime();
            nextWriteNanos = end + IDLE_PER_WRITE * (end - start);
          },
          Math.max(0, nextWriteNanos - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  /** Writes what is pending and stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.severe("The state file " + file + " was still being written at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ObjectNode toJson(Registry registry) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("idScope", registry.idScope());
    ArrayNode hubs = root.putArray("linkedHubs");
    for (LinkedHub hub : registry.linkedHubs()) {
      ObjectNode entry = hubs.addObject();
      entry.put("hostName", hub.hostName());
      entry.put("allocationWeight", hub.allocationWeight());
      entry.put("latencyMs", hub.latencyMillis());
    }
    ArrayNode keys = root.putArray("sharedAccessPolicies");
    for (SharedAccessPolicy policy : policies) {
      ObjectNode entry = keys.addObject();
      entry.put("keyName", policy.keyName());
      entry.put("primaryKey", policy.primaryKey());
      entry.put("secondaryKey", policy.secondaryKey());
    }
    ArrayNode individuals = root.putArray("individualEnrollments");
    registry
        .individualEnrollmentVersions()
        .forEach(v -> individuals.add(EnrollmentJson.toJson(v, true)));
    ArrayNode groups = root.putArray("enrollmentGroups");
    registry
        .enrollmentGroupVersions()
        .forEach(v -> groups.add(EnrollmentJson.groupToJson(v, true)));
    ArrayNode records = root.putArray("registrations");
    registry.registrations().forEach(r -> records.add(RegistrationJson.toStateJson(r)));
    root.set("operations", OperationCountsJson.toStateJson(registry.operationCounts()));
    return root;
  }

  private static Loaded read(JsonNode root) throws InvalidRequestException {
    requireObject(root, "the document");
    if (root.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion is not " + FORMAT_VERSION + " (written by another emulator version?)");
    }
    List<LinkedHub> hubs = new ArrayList<>();
    for (JsonNode hub : array(root, "linkedHubs")) {
      hubs.add(
          new LinkedHub(
              text(hub, "hostName"), integer(hub, "allocationWeight"), integer(hub, "latencyMs")));
    }
    Registry registry = new Registry(text(root, "idScope"), hubs);
    for (JsonNode json : array(root, "individualEnrollments")) {
      String id = text(json, "registrationId");
      IndividualEnrollment enrollment =
          EnrollmentJson.individualFromJson(json, id, Optional.empty());
      registry.restoreIndividualEnrollment(versioned(enrollment, json));
    }
    for (JsonNode json : array(root, "enrollmentGroups")) {
      String id = text(json, "enrollmentGroupId");
      EnrollmentGroup group = EnrollmentJson.groupFromJson(json, id, Optional.empty());
      registry.restoreEnrollmentGroup(versioned(group, json));
    }
    for (JsonNode json : array(root, "registrations")) {
      RegistrationRecord record = RegistrationJson.fromStateJson(json);
      registry.restoreRegistration(record);
    }
    JsonNode operations = root.get("operations");
    requireObject(operations, "operations");
    registry.restoreOperationCounts(
        new OperationCounts(
            count(operations, "deviceRegistrations"),
            count(operations, "deviceReregistrations"),
            count(operations, "enrollmentAdds"),
            count(operations, "enrollmentUpdates"),
            count(operations, "enrollmentGroupAdds"),
            count(operations, "enrollmentGroupUpdates"),
            // Absent from files written before failures were counted apart.
            operations.has("failedRegistrations") ? count(operations, "failedRegistrations") : 0));
    List<SharedAccessPolicy> policies = new ArrayList<>();
    for (JsonNode json : array(root, "sharedAccessPolicies")) {
      policies.add(
          new SharedAccessPolicy(
              text(json, "keyName"), text(json, "primaryKey"), text(json, "secondaryKey")));
    }
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("sharedAccessPolicies is empty");
    }
    return new Loaded(registry, policies);
  }

  private static <T> Versioned<T> versioned(T value, JsonNode json) {
    Instant created = Timestamps.parse(text(json, "createdDateTimeUtc"));
    Instant updated = Timestamps.parse(text(json, "lastUpdatedDateTimeUtc"));
    return new Versioned<>(value, text(json, "etag"), created, updated);
  }

  private static Iterable<JsonNode> array(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isArray()) {
      throw new IllegalArgumentException(field + " is missing or not an array");
    }
    return value;
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + " is missing or not a string");
    }
    return value.textValue();
  }

  private static int integer(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " is missing or not an integer");
    }
    return value.intValue();
  }

  private static long count(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isIntegralNumber()) {
      throw new IllegalArgumentException("operations." + field + " is missing or not an integer");
    }
    return value.longValue();
  }

  private static void requireObject(JsonNode json, String what) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(what + " is missing or not a JSON object");
    }
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
