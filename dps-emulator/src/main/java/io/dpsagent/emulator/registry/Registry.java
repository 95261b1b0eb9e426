package io.dpsagent.emulator.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The state of one DPS instance: its ID scope, linked hubs, enrollments, registration records and
 * operation counts.
 *
 * <p>Safe for concurrent use: devices register on network threads while tests or the service API
 * change enrollments. Registration IDs are matched case-insensitively throughout. Every change runs
 * under this object's lock and then tells the {@linkplain #onChange change listener}, so that a
 * listener persisting the state always sees a consistent, ordered sequence of snapshots.
 *
 * <p>The {@code If-Match} rules live in {@link EtagStore}, counting in {@link OperationCounter} and
 * the keys handed to TPM devices in {@link TpmDeviceKeys}; this class keeps them in step. It is
 * long because it is the whole state API of the instance, one short documented method per
 * operation, under one lock.
 */
public final class Registry {

  private static final String NOTHING_TO_MATCH = "nothing to match the etag against";

  private final String idScope;
  private final Clock clock;
  private final List<LinkedHub> linkedHubs = new CopyOnWriteArrayList<>();
  private final EtagStore<Versioned<IndividualEnrollment>> individualEnrollments =
      new EtagStore<>(Versioned::etag, NOTHING_TO_MATCH);
  private final EtagStore<Versioned<EnrollmentGroup>> enrollmentGroups =
      new EtagStore<>(Versioned::etag, NOTHING_TO_MATCH);
  private final EtagStore<RegistrationRecord> registrations =
      new EtagStore<>(RegistrationRecord::etag, "no registration record to match");
  private final OperationCounter operationCounter = new OperationCounter();
  private final TpmDeviceKeys tpmDeviceKeys = new TpmDeviceKeys();
  private volatile AllocationPolicy defaultAllocationPolicy = AllocationPolicy.HASHED;
  private volatile Runnable changeListener = () -> {};
  private volatile BiConsumer<Optional<RegistrationRecord>, RegistrationRecord> assignmentListener =
      (previous, current) -> {};

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

  /**
   * Tells {@code listener} of every new registration record with the one it replaces, so that the
   * emulated hubs follow the device (one listener; a second call replaces the first).
   */
  public void onAssignment(BiConsumer<Optional<RegistrationRecord>, RegistrationRecord> listener) {
    this.assignmentListener = listener;
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
    return unconditionally(() -> putIndividualEnrollment(enrollment, Optional.empty()));
  }

  /**
   * Creates or replaces an enrollment if {@code ifMatch} (absent, {@code *} or an etag) matches the
   * stored one; a condition on an absent enrollment fails.
   */
  public Versioned<IndividualEnrollment> putIndividualEnrollment(
      IndividualEnrollment enrollment, Optional<String> ifMatch)
      throws PreconditionFailedException {
    return putIndividualEnrollment(enrollment, WriteCondition.ifMatch(ifMatch));
  }

  /**
   * Creates or replaces an enrollment under {@code condition}.
   *
   * @throws IllegalArgumentException if it breaks an allocation rule, the instance default included
   */
  public synchronized Versioned<IndividualEnrollment> putIndividualEnrollment(
      IndividualEnrollment enrollment, WriteCondition condition)
      throws PreconditionFailedException {
    enrollment.checkAllocationRules(Optional.of(defaultAllocationPolicy));
    return put(
        individualEnrollments,
        RegistrationIdRules.lookupKey(enrollment.registrationId()),
        enrollment,
        condition,
        false);
  }

  public Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
    return individualEnrollmentVersion(registrationId).map(Versioned::value);
  }

  public Optional<Versioned<IndividualEnrollment>> individualEnrollmentVersion(
      String registrationId) {
    return individualEnrollments.get(RegistrationIdRules.lookupKey(registrationId));
  }

  /** All individual enrollments, ordered by case-folded registration ID. */
  public List<Versioned<IndividualEnrollment>> individualEnrollmentVersions() {
    return individualEnrollments.sortedBy(
        v -> RegistrationIdRules.lookupKey(v.value().registrationId()));
  }

  public boolean removeIndividualEnrollment(String registrationId) {
    return unconditionally(() -> removeIndividualEnrollment(registrationId, Optional.empty()));
  }

  /** Removes an enrollment if {@code ifMatch} matches; false if there was none. */
  public synchronized boolean removeIndividualEnrollment(
      String registrationId, Optional<String> ifMatch) throws PreconditionFailedException {
    return remove(individualEnrollments, RegistrationIdRules.lookupKey(registrationId), ifMatch);
  }

  // ---- enrollment groups

  /**
   * Adds a group, replacing one with the same (case-insensitive) ID.
   *
   * @throws IllegalArgumentException if it breaks an allocation rule
   */
  public Versioned<EnrollmentGroup> addEnrollmentGroup(EnrollmentGroup group) {
    return unconditionally(() -> putEnrollmentGroup(group, Optional.empty()));
  }

  /** Creates or replaces a group under an {@code If-Match} condition, as for enrollments. */
  public Versioned<EnrollmentGroup> putEnrollmentGroup(
      EnrollmentGroup group, Optional<String> ifMatch) throws PreconditionFailedException {
    return putEnrollmentGroup(group, WriteCondition.ifMatch(ifMatch));
  }

  /** Creates or replaces a group under {@code condition}, as for enrollments. */
  public synchronized Versioned<EnrollmentGroup> putEnrollmentGroup(
      EnrollmentGroup group, WriteCondition condition) throws PreconditionFailedException {
    group.checkAllocationRules(Optional.of(defaultAllocationPolicy));
    return put(enrollmentGroups, RegistrationIdRules.lookupKey(group.id()), group, condition, true);
  }

  public Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
    return enrollmentGroupVersion(enrollmentGroupId).map(Versioned::value);
  }

  public Optional<Versioned<EnrollmentGroup>> enrollmentGroupVersion(String enrollmentGroupId) {
    return enrollmentGroups.get(RegistrationIdRules.lookupKey(enrollmentGroupId));
  }

  public List<EnrollmentGroup> enrollmentGroups() {
    return enrollmentGroupVersions().stream().map(Versioned::value).toList();
  }

  /** All groups, ordered by case-folded ID. */
  public List<Versioned<EnrollmentGroup>> enrollmentGroupVersions() {
    return enrollmentGroups.sortedBy(v -> RegistrationIdRules.lookupKey(v.value().id()));
  }

  public synchronized boolean removeEnrollmentGroup(
      String enrollmentGroupId, Optional<String> ifMatch) throws PreconditionFailedException {
    return remove(enrollmentGroups, RegistrationIdRules.lookupKey(enrollmentGroupId), ifMatch);
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
    return registrations.get(RegistrationIdRules.lookupKey(registrationId));
  }

  /** All records, ordered by case-folded registration ID. */
  public List<RegistrationRecord> registrations() {
    return registrations.sortedBy(r -> RegistrationIdRules.lookupKey(r.registrationId()));
  }

  public boolean removeRegistration(String registrationId) {
    return unconditionally(() -> removeRegistration(registrationId, Optional.empty()));
  }

  /** Removes a record if {@code ifMatch} (absent, {@code *} or its etag) matches. */
  public synchronized boolean removeRegistration(String registrationId, Optional<String> ifMatch)
      throws PreconditionFailedException {
    return remove(registrations, RegistrationIdRules.lookupKey(registrationId), ifMatch);
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
   * creation time of the record it replaces, and counts it as a billable operation. A TPM device
   * gets a fresh {@linkplain RegistrationRecord#tpmDeviceKey device key} with every registration,
   * as DPS sends it a new one in each assigned result.
   *
   * <p>Registration IDs are case-insensitive, so the case a device sends never renames it: the
   * record keeps the form first stored (or, for a first registration, the individual enrollment's),
   * and the device ID follows it unless the enrollment names one. Otherwise {@code CASE-DEV} and
   * then {@code case-dev} would become two identities on the hub.
   */
  public synchronized RegistrationRecord recordAssignment(
      String registrationId,
      Enrollment enrollment,
      LinkedHub hub,
      String substatus,
      Optional<JsonNode> initialTwin,
      Instant now) {
    String key = RegistrationIdRules.lookupKey(registrationId);
    Optional<RegistrationRecord> previous = registrations.get(key);
    String storedId =
        previous
            .map(RegistrationRecord::registrationId)
            .orElseGet(() -> storedForm(enrollment, registrationId));
    String deviceId =
        explicitDeviceId(enrollment)
            .or(() -> previous.map(RegistrationRecord::deviceId))
            .orElseGet(() -> enrollment.deviceIdFor(storedId));
    RegistrationRecord record =
        new RegistrationRecord(
            storedId,
            deviceId,
            hub.hostName(),
            previous.map(RegistrationRecord::createdDateTimeUtc).orElse(now),
            now,
            Etags.next(),
            enrollment.enrollmentGroupId(),
            substatus,
            initialTwin,
            tpmDeviceKeys.forAssignment(enrollment));
    registrations.put(key, record);
    operationCounter.countRegistration(previous.isPresent());
    assignmentListener.accept(previous, record);
    changed();
    return record;
  }

  private static String storedForm(Enrollment enrollment, String registrationId) {
    return enrollment instanceof IndividualEnrollment individual
        ? individual.registrationId()
        : registrationId;
  }

  private static Optional<String> explicitDeviceId(Enrollment enrollment) {
    return enrollment instanceof IndividualEnrollment individual
        ? individual.deviceId()
        : Optional.empty();
  }

  // ---- operation counts

  public OperationCounts operationCounts() {
    return operationCounter.current();
  }

  /**
   * Counts an authenticated registration that ended {@code failed} or {@code disabled}: not a
   * billable operation (the terminology bills "the successful completion of one instruction"),
   * reported apart. Successful ones are counted by {@link #recordAssignment}.
   */
  public synchronized void countFailedRegistration() {
    operationCounter.countFailedRegistration();
    changed();
  }

  // ---- restoring persisted state: no counting, no new etags or timestamps

  /** Puts back a persisted enrollment exactly as it was stored. */
  public synchronized void restoreIndividualEnrollment(Versioned<IndividualEnrollment> stored) {
    individualEnrollments.put(
        RegistrationIdRules.lookupKey(stored.value().registrationId()), stored);
  }

  public synchronized void restoreEnrollmentGroup(Versioned<EnrollmentGroup> stored) {
    enrollmentGroups.put(RegistrationIdRules.lookupKey(stored.value().id()), stored);
  }

  public synchronized void restoreRegistration(RegistrationRecord record) {
    registrations.put(RegistrationIdRules.lookupKey(record.registrationId()), record);
  }

  public synchronized void restoreOperationCounts(OperationCounts counts) {
    operationCounter.restore(counts);
  }

  // ---- helpers

  // A new version (new etag, kept creation time) replacing the one ifMatch names, counted.
  private <T> Versioned<T> put(
      EtagStore<Versioned<T>> store, String key, T value, WriteCondition condition, boolean group)
      throws PreconditionFailedException {
    Optional<Versioned<T>> previous = store.check(key, condition);
    Instant now = clock.instant();
    Versioned<T> stored =
        new Versioned<>(
            value, Etags.next(), previous.map(Versioned::createdDateTimeUtc).orElse(now), now);
    store.put(key, stored);
    operationCounter.countEnrollment(group, previous.isPresent());
    changed();
    return stored;
  }

  private <V> boolean remove(EtagStore<V> store, String key, Optional<String> ifMatch)
      throws PreconditionFailedException {
    boolean removed = store.remove(key, ifMatch);
    if (removed) {
      changed();
    }
    return removed;
  }

  /** A change under an {@code If-Match} condition, which may fail it. */
  private interface Conditional<T> {
    T run() throws PreconditionFailedException;
  }

  private static <T> T unconditionally(Conditional<T> change) {
    try {
      return change.run();
    } catch (PreconditionFailedException e) {
      throw new AssertionError("no condition was given", e);
    }
  }

  private void changed() {
    changeListener.run();
  }
}
