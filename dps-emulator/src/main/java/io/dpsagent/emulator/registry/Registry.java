package io.dpsagent.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The state of one DPS instance: its ID scope, linked hubs, enrollments, registration records and
 * operation counts.
 *
 * <p>Safe for concurrent use: devices register on network threads while tests or the service API
 * change enrollments. Registration IDs are matched case-insensitively throughout. Every change runs
 * under this object's lock and then tells the {@linkplain #onChange change listener}, so that a
 * listener persisting the state always sees a consistent, ordered sequence of snapshots.
 */
public final class Registry {

  private static final int TPM_DEVICE_KEY_BYTES = 32;

  private final SecureRandom random = new SecureRandom();
  private final String idScope;
  private final Clock clock;
  private final List<LinkedHub> linkedHubs = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<String, Versioned<IndividualEnrollment>> individualEnrollments =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Versioned<EnrollmentGroup>> enrollmentGroups =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, RegistrationRecord> registrations = new ConcurrentHashMap<>();
  private volatile AllocationPolicy defaultAllocationPolicy = AllocationPolicy.HASHED;
  private volatile OperationCounts operationCounts = OperationCounts.NONE;
  private volatile Runnable changeListener = () -> {};

  public Registry(String idScope, List<LinkedHub> linkedHubs) {
    this(idScope, linkedHubs, Clock.systemUTC());
  }

  /** As {@link #Registry(String, List)}, with the clock that stamps enrollments. */
  public Registry(String idScope, List<LinkedHub> linkedHubs, Clock clock) {
    if (!IdScopes.isValid(idScope)) {
      throw new IllegalArgumentException("invalid ID scope: " + idScope);
    }
    this.idScope = idScope;
    this.clock = clock;
    linkedHubs.forEach(this::addLinkedHub);
  }

  public String idScope() {
    return idScope;
  }

  /** Runs {@code listener} after every change, under this registry's lock. Replaces any earlier. */
  public void onChange(Runnable listener) {
    this.changeListener = listener;
  }

  public List<LinkedHub> linkedHubs() {
    return List.copyOf(linkedHubs);
  }

  /** Links a hub, replacing one with the same host name. */
  public synchronized void addLinkedHub(LinkedHub hub) {
    linkedHubs.removeIf(existing -> existing.hasHostName(hub.hostName()));
    linkedHubs.add(hub);
    changed();
  }

  public Optional<LinkedHub> linkedHub(String hostName) {
    return linkedHubs.stream().filter(hub -> hub.hasHostName(hostName)).findFirst();
  }

  /** The policy for enrollments that do not name one; {@link AllocationPolicy#HASHED} at first. */
  public AllocationPolicy defaultAllocationPolicy() {
    return defaultAllocationPolicy;
  }

  /**
   * @throws IllegalArgumentException for {@link AllocationPolicy#CUSTOM}, which needs a webhook and
   *     so only exists per enrollment
   */
  public void setDefaultAllocationPolicy(AllocationPolicy policy) {
    if (policy == AllocationPolicy.CUSTOM) {
      throw new IllegalArgumentException("custom allocation cannot be the instance default");
    }
    this.defaultAllocationPolicy = policy;
  }

  // ---- individual enrollments

  /**
   * Adds an enrollment, replacing one with the same (case-insensitive) registration ID.
   *
   * @throws IllegalArgumentException if it breaks an {@linkplain Enrollment#checkAllocationRules
   *     allocation rule}
   */
  public Versioned<IndividualEnrollment> addIndividualEnrollment(IndividualEnrollment enrollment) {
    try {
      return putIndividualEnrollment(enrollment, Optional.empty());
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  /**
   * Creates or replaces an enrollment if {@code ifMatch} (absent, {@code *} or an etag) matches the
   * stored one; a condition on an absent enrollment fails.
   */
  public synchronized Versioned<IndividualEnrollment> putIndividualEnrollment(
      IndividualEnrollment enrollment, Optional<String> ifMatch)
      throws PreconditionFailedException {
    enrollment.checkAllocationRules();
    String key = RegistrationIdRules.lookupKey(enrollment.registrationId());
    Versioned<IndividualEnrollment> stored =
        nextVersion(enrollment, individualEnrollments.get(key), ifMatch, false);
    individualEnrollments.put(key, stored);
    changed();
    return stored;
  }

  public Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
    return individualEnrollmentVersion(registrationId).map(Versioned::value);
  }

  public Optional<Versioned<IndividualEnrollment>> individualEnrollmentVersion(
      String registrationId) {
    return Optional.ofNullable(
        individualEnrollments.get(RegistrationIdRules.lookupKey(registrationId)));
  }

  /** All individual enrollments, ordered by case-folded registration ID. */
  public List<Versioned<IndividualEnrollment>> individualEnrollmentVersions() {
    return sorted(
        individualEnrollments.values(), v -> RegistrationIdRules.lookupKey(v.value().registrationId()));
  }

  public boolean removeIndividualEnrollment(String registrationId) {
    try {
      return removeIndividualEnrollment(registrationId, Optional.empty());
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  /** Removes an enrollment if {@code ifMatch} matches; false if there was none. */
  public synchronized boolean removeIndividualEnrollment(
      String registrationId, Optional<String> ifMatch) throws PreconditionFailedException {
    return remove(individualEnrollments, RegistrationIdRules.lookupKey(registrationId), ifMatch);
  }

  // ---- enrollment groups

  /**
   * Adds a group, replacing one with the same ID.
   *
   * @throws IllegalArgumentException if it breaks an allocation rule
   */
  public Versioned<EnrollmentGroup> addEnrollmentGroup(EnrollmentGroup group) {
    try {
      return putEnrollmentGroup(group, Optional.empty());
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  /** Creates or replaces a group under an {@code If-Match} condition, as for enrollments. */
  public synchronized Versioned<EnrollmentGroup> putEnrollmentGroup(
      EnrollmentGroup group, Optional<String> ifMatch) throws PreconditionFailedException {
    group.checkAllocationRules();
    Versioned<EnrollmentGroup> stored =
        nextVersion(group, enrollmentGroups.get(group.id()), ifMatch, true);
    enrollmentGroups.put(group.id(), stored);
    changed();
    return stored;
  }

  public Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
    return enrollmentGroupVersion(enrollmentGroupId).map(Versioned::value);
  }

  public Optional<Versioned<EnrollmentGroup>> enrollmentGroupVersion(String enrollmentGroupId) {
    return Optional.ofNullable(enrollmentGroups.get(enrollmentGroupId));
  }

  public List<EnrollmentGroup> enrollmentGroups() {
    return enrollmentGroupVersions().stream().map(Versioned::value).toList();
  }

  /** All groups, ordered by ID. */
  public List<Versioned<EnrollmentGroup>> enrollmentGroupVersions() {
    return sorted(enrollmentGroups.values(), v -> v.value().id());
  }

  public boolean removeEnrollmentGroup(String enrollmentGroupId) {
    try {
      return removeEnrollmentGroup(enrollmentGroupId, Optional.empty());
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  public synchronized boolean removeEnrollmentGroup(
      String enrollmentGroupId, Optional<String> ifMatch) throws PreconditionFailedException {
    return remove(enrollmentGroups, enrollmentGroupId, ifMatch);
  }

  /** The linked hubs an enrollment may be assigned to, in linking order. */
  public List<LinkedHub> eligibleHubs(Enrollment enrollment) {
    if (enrollment.iotHubs().isEmpty()) {
      return linkedHubs();
    }
    List<LinkedHub> eligible = new ArrayList<>();
    for (LinkedHub hub : linkedHubs) {
      if (enrollment.iotHubs().stream().anyMatch(hub::hasHostName)) {
        eligible.add(hub);
      }
    }
    return eligible;
  }

  // ---- registration records

  public Optional<RegistrationRecord> registration(String registrationId) {
    return Optional.ofNullable(registrations.get(RegistrationIdRules.lookupKey(registrationId)));
  }

  /** All records, ordered by case-folded registration ID. */
  public List<RegistrationRecord> registrations() {
    return sorted(registrations.values(), r -> RegistrationIdRules.lookupKey(r.registrationId()));
  }

  public boolean removeRegistration(String registrationId) {
    try {
      return removeRegistration(registrationId, Optional.empty());
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  /** Removes a record if {@code ifMatch} (absent, {@code *} or its etag) matches. */
  public synchronized boolean removeRegistration(String registrationId, Optional<String> ifMatch)
      throws PreconditionFailedException {
    String key = RegistrationIdRules.lookupKey(registrationId);
    RegistrationRecord record = registrations.get(key);
    if (record == null) {
      if (ifMatch.isPresent()) {
        throw new PreconditionFailedException("no registration record to match");
      }
      return false;
    }
    if (ifMatch.isPresent() && !Etags.matches(record.etag(), ifMatch.get())) {
      throw new PreconditionFailedException("etag does not match");
    }
    registrations.remove(key);
    changed();
    return true;
  }

  /**
   * Stores a first assignment ({@code initialAssignment}, the enrollment's initial twin), replacing
   * an earlier record for the same registration ID but keeping its creation time.
   */
  public RegistrationRecord recordAssignment(
      String registrationId, Enrollment enrollment, LinkedHub hub, Instant now) {
    return recordAssignment(
        registrationId,
        enrollment,
        hub,
        RegistrationRecord.INITIAL_ASSIGNMENT,
        enrollment.options().initialTwin(),
        now);
  }

  /**
   * Stores the outcome of a successful registration as a new record (new etag), keeping the
   * creation time of the record it replaces. A TPM device gets a fresh {@linkplain
   * RegistrationRecord#tpmDeviceKey device key} with every registration, as DPS sends it a new one
   * in each assigned result.
   */
  public synchronized RegistrationRecord recordAssignment(
      String registrationId,
      Enrollment enrollment,
      LinkedHub hub,
      String substatus,
      Optional<JsonNode> initialTwin,
      Instant now) {
    RegistrationRecord record =
        registrations.compute(
            RegistrationIdRules.lookupKey(registrationId),
            (key, previous) ->
                new RegistrationRecord(
                    registrationId,
                    enrollment.deviceIdFor(registrationId),
                    hub.hostName(),
                    previous == null ? now : previous.createdDateTimeUtc(),
                    now,
                    Etags.next(),
                    enrollment.enrollmentGroupId(),
                    substatus,
                    initialTwin,
                    tpmDeviceKey(enrollment)));
    changed();
    return record;
  }

  private Optional<SoftwareSymmetricKey> tpmDeviceKey(Enrollment enrollment) {
    if (!(enrollment.attestation() instanceof TpmMechanism)) {
      return Optional.empty();
    }
    byte[] key = new byte[TPM_DEVICE_KEY_BYTES];
    random.nextBytes(key);
    return Optional.of(SoftwareSymmetricKey.ofBytes(key));
  }

  // ---- operation counts

  public OperationCounts operationCounts() {
    return operationCounts;
  }

  /** Counts an authenticated register request: a re-registration if a record already exists. */
  public synchronized void countRegistration(String registrationId) {
    operationCounts = operationCounts.plusRegistration(registration(registrationId).isPresent());
    changed();
  }

  // ---- restoring persisted state: no counting, no new etags or timestamps

  /** Puts back a persisted enrollment exactly as it was stored. */
  public synchronized void restoreIndividualEnrollment(Versioned<IndividualEnrollment> stored) {
    individualEnrollments.put(RegistrationIdRules.lookupKey(stored.value().registrationId()), stored);
  }

  public synchronized void restoreEnrollmentGroup(Versioned<EnrollmentGroup> stored) {
    enrollmentGroups.put(stored.value().id(), stored);
  }

  public synchronized void restoreRegistration(RegistrationRecord record) {
    registrations.put(RegistrationIdRules.lookupKey(record.registrationId()), record);
  }

  public synchronized void restoreOperationCounts(OperationCounts counts) {
    operationCounts = counts;
  }

  // ---- helpers

  private <T> Versioned<T> nextVersion(
      T value, Versioned<T> previous, Optional<String> ifMatch, boolean group)
      throws PreconditionFailedException {
    if (previous == null && ifMatch.isPresent()) {
      throw new PreconditionFailedException("nothing to match the etag against");
    }
    if (previous != null && !previous.matches(ifMatch)) {
      throw new PreconditionFailedException("etag does not match");
    }
    Instant now = clock.instant();
    operationCounts = operationCounts.plusEnrollment(group, previous != null);
    return new Versioned<>(
        value, Etags.next(), previous == null ? now : previous.createdDateTimeUtc(), now);
  }

  private <T> boolean remove(
      ConcurrentMap<String, Versioned<T>> map, String key, Optional<String> ifMatch)
      throws PreconditionFailedException {
    Versioned<T> stored = map.get(key);
    if (stored == null) {
      if (ifMatch.isPresent()) {
        throw new PreconditionFailedException("nothing to match the etag against");
      }
      return false;
    }
    if (!stored.matches(ifMatch)) {
      throw new PreconditionFailedException("etag does not match");
    }
    map.remove(key);
    changed();
    return true;
  }

  private void changed() {
    changeListener.run();
  }

  private static <T> List<T> sorted(
      java.util.Collection<T> values, java.util.function.Function<T, String> key) {
    List<T> list = new ArrayList<>(values);
    list.sort(Comparator.comparing(key));
    return List.copyOf(list);
  }
}
