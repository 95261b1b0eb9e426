package io.dpsagent.emulator.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The state of one DPS instance: its ID scope, linked hubs, enrollments and registration records.
 *
 * <p>Safe for concurrent use: devices register on network threads while tests or the service API
 * change enrollments. Registration IDs are matched case-insensitively throughout.
 */
public final class Registry {

  private final String idScope;
  private final List<LinkedHub> linkedHubs = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<String, IndividualEnrollment> individualEnrollments =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, EnrollmentGroup> enrollmentGroups = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, RegistrationRecord> registrations = new ConcurrentHashMap<>();

  public Registry(String idScope, List<LinkedHub> linkedHubs) {
    if (!IdScopes.isValid(idScope)) {
      throw new IllegalArgumentException("invalid ID scope: " + idScope);
    }
    this.idScope = idScope;
    linkedHubs.forEach(this::addLinkedHub);
  }

  public String idScope() {
    return idScope;
  }

  public List<LinkedHub> linkedHubs() {
    return List.copyOf(linkedHubs);
  }

  /** Links a hub, replacing one with the same host name. */
  public synchronized void addLinkedHub(LinkedHub hub) {
    linkedHubs.removeIf(existing -> existing.hasHostName(hub.hostName()));
    linkedHubs.add(hub);
  }

  /** Adds an enrollment, replacing one with the same (case-insensitive) registration ID. */
  public void addIndividualEnrollment(IndividualEnrollment enrollment) {
    individualEnrollments.put(RegistrationIds.lookupKey(enrollment.registrationId()), enrollment);
  }

  public Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
    return Optional.ofNullable(
        individualEnrollments.get(RegistrationIds.lookupKey(registrationId)));
  }

  public boolean removeIndividualEnrollment(String registrationId) {
    return individualEnrollments.remove(RegistrationIds.lookupKey(registrationId)) != null;
  }

  /** Adds a group, replacing one with the same ID. */
  public void addEnrollmentGroup(EnrollmentGroup group) {
    enrollmentGroups.put(group.id(), group);
  }

  public Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
    return Optional.ofNullable(enrollmentGroups.get(enrollmentGroupId));
  }

  public List<EnrollmentGroup> enrollmentGroups() {
    return List.copyOf(enrollmentGroups.values());
  }

  public boolean removeEnrollmentGroup(String enrollmentGroupId) {
    return enrollmentGroups.remove(enrollmentGroupId) != null;
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

  public Optional<RegistrationRecord> registration(String registrationId) {
    return Optional.ofNullable(registrations.get(RegistrationIds.lookupKey(registrationId)));
  }

  public List<RegistrationRecord> registrations() {
    return List.copyOf(registrations.values());
  }

  public boolean removeRegistration(String registrationId) {
    return registrations.remove(RegistrationIds.lookupKey(registrationId)) != null;
  }

  /**
   * Stores the outcome of a successful registration, replacing an earlier one for the same
   * registration ID but keeping its creation time, and returns the stored record.
   */
  public RegistrationRecord recordAssignment(
      String registrationId, Enrollment enrollment, LinkedHub hub, Instant now) {
    return registrations.compute(
        RegistrationIds.lookupKey(registrationId),
        (key, previous) ->
            new RegistrationRecord(
                registrationId,
                enrollment.deviceIdFor(registrationId),
                hub.hostName(),
                previous == null ? now : previous.createdDateTimeUtc(),
                now,
                newEtag(),
                enrollment.enrollmentGroupId()));
  }

  // Real etags are base64 of a quoted identifier; clients treat them as opaque.
  private static String newEtag() {
    String quoted = "\"" + UUID.randomUUID() + "\"";
    return Base64.getEncoder().encodeToString(quoted.getBytes(StandardCharsets.UTF_8));
  }
}
