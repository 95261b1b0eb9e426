package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.e2e.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Node service SDK (azure-iot-provisioning-service) against the emulator's service
 * API, which listens on port 443 of its own loopback address because the SDK takes a bare HostName.
 * Every answer the SDK returns is checked against the emulator's registry.
 */
class NodeServiceSdkTest {

  private static final AtomicInteger IDS = new AtomicInteger();
  // Small enough that every query below needs more than one page.
  private static final int PAGE_SIZE = 2;

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> StandardPortEmulators.start(Duration.ZERO));

  private final DpsEmulator emulator = EMULATOR.get();

  @Test
  void connectionStringNamesTheBareServiceHost() {
    String hostName = emulator.serviceConnectionString().split(";")[0];

    assertEquals("HostName=" + emulator.serviceEndpoint().getHost(), hostName);
    assertEquals(StandardPortEmulators.HTTPS_PORT, emulator.serviceEndpoint().getPort());
    assertNotEquals(StandardPortEmulators.host(emulator), emulator.serviceEndpoint().getHost());
  }

  @Test
  void individualEnrollmentIsCreatedReadUpdatedWithItsEtagQueriedAndDeleted() throws Exception {
    String id = newId("enrollment");
    ObjectNode enrollment =
        NodeScripts.JSON
            .createObjectNode()
            .put("registrationId", id)
            .put("deviceId", id + "-device-1")
            .put("provisioningStatus", "enabled");
    enrollment.set("attestation", symmetricKeyAttestation());

    JsonNode created =
        NodeServiceSdk.answers(
            service()
                .call("createOrUpdateIndividualEnrollment", enrollment)
                .call("getIndividualEnrollment", id)
                .run());

    Versioned<IndividualEnrollment> stored =
        emulator.registry().individualEnrollmentVersion(id).orElseThrow();
    assertEquals(Optional.of(id + "-device-1"), stored.value().deviceId());
    assertTrue(
        stored.value().attestation() instanceof SymmetricKeyMechanism,
        stored.value().attestation().toString());
    for (JsonNode answer : created) {
      assertEquals(200, answer.path("httpStatus").asInt(), answer.toString());
      assertEquals(id, answer.path("body").path("registrationId").asText());
      assertEquals(id + "-device-1", answer.path("body").path("deviceId").asText());
      assertEquals(stored.etag(), answer.path("body").path("etag").asText());
      assertEquals(enrollment.path("attestation"), answer.path("body").path("attestation"));
    }

    ObjectNode update =
        enrollment.deepCopy().put("deviceId", id + "-device-2").put("etag", stored.etag());
    JsonNode updated =
        NodeServiceSdk.answers(service().call("createOrUpdateIndividualEnrollment", update).run())
            .get(0);

    Versioned<IndividualEnrollment> restored =
        emulator.registry().individualEnrollmentVersion(id).orElseThrow();
    assertEquals(Optional.of(id + "-device-2"), restored.value().deviceId());
    assertNotEquals(stored.etag(), restored.etag());
    assertEquals(200, updated.path("httpStatus").asInt());
    assertEquals(restored.etag(), updated.path("body").path("etag").asText());
    assertEquals(id + "-device-2", updated.path("body").path("deviceId").asText());

    assertRefusedAsStale(
        "createOrUpdateIndividualEnrollment", enrollment.deepCopy().put("etag", stored.etag()));
    assertEquals(
        restored, emulator.registry().individualEnrollmentVersion(id).orElseThrow(), "unchanged");

    for (String other : List.of(id + "-a", id + "-b")) {
      emulator
          .registry()
          .addIndividualEnrollment(
              IndividualEnrollment.symmetricKey(other, SymmetricKeyDeviceSdkContract.newKey()));
    }
    List<String> enrolled =
        sortedIds(
            emulator.registry().individualEnrollmentVersions().stream()
                .map(v -> v.value().registrationId())
                .toList());
    assertQueriedInPagesThenDeleted(
        "createIndividualEnrollmentQuery",
        "registrationId",
        enrolled,
        "deleteIndividualEnrollment",
        id,
        restored.etag());
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(id));
  }

  @Test
  void enrollmentGroupIsCreatedReadUpdatedWithItsEtagQueriedAndDeleted() throws Exception {
    String groupId = newId("group");
    ObjectNode group =
        NodeScripts.JSON
            .createObjectNode()
            .put("enrollmentGroupId", groupId)
            .put("provisioningStatus", "enabled");
    group.set("attestation", symmetricKeyAttestation());

    JsonNode created =
        NodeServiceSdk.answers(
            service()
                .call("createOrUpdateEnrollmentGroup", group)
                .call("getEnrollmentGroup", groupId)
                .run());

    Versioned<EnrollmentGroup> stored =
        emulator.registry().enrollmentGroupVersion(groupId).orElseThrow();
    assertEquals(ProvisioningStatus.ENABLED, stored.value().provisioningStatus());
    for (JsonNode answer : created) {
      assertEquals(200, answer.path("httpStatus").asInt(), answer.toString());
      assertEquals(groupId, answer.path("body").path("enrollmentGroupId").asText());
      assertEquals(stored.etag(), answer.path("body").path("etag").asText());
      assertEquals(group.path("attestation"), answer.path("body").path("attestation"));
    }

    ObjectNode update =
        group.deepCopy().put("provisioningStatus", "disabled").put("etag", stored.etag());
    JsonNode updated =
        NodeServiceSdk.answers(service().call("createOrUpdateEnrollmentGroup", update).run())
            .get(0);

    Versioned<EnrollmentGroup> restored =
        emulator.registry().enrollmentGroupVersion(groupId).orElseThrow();
    assertEquals(ProvisioningStatus.DISABLED, restored.value().provisioningStatus());
    assertNotEquals(stored.etag(), restored.etag());
    assertEquals(200, updated.path("httpStatus").asInt());
    assertEquals("disabled", updated.path("body").path("provisioningStatus").asText());
    assertEquals(restored.etag(), updated.path("body").path("etag").asText());

    assertRefusedAsStale(
        "createOrUpdateEnrollmentGroup", group.deepCopy().put("etag", stored.etag()));
    assertEquals(
        restored, emulator.registry().enrollmentGroupVersion(groupId).orElseThrow(), "unchanged");

    for (String other : List.of(groupId + "-a", groupId + "-b")) {
      emulator
          .registry()
          .addEnrollmentGroup(
              EnrollmentGroup.symmetricKey(other, SymmetricKeyDeviceSdkContract.newKey()));
    }
    List<String> groups =
        sortedIds(
            emulator.registry().enrollmentGroups().stream().map(EnrollmentGroup::id).toList());
    assertQueriedInPagesThenDeleted(
        "createEnrollmentGroupQuery",
        "enrollmentGroupId",
        groups,
        "deleteEnrollmentGroup",
        groupId,
        restored.etag());
    assertEquals(Optional.empty(), emulator.registry().enrollmentGroup(groupId));
  }

  @Test
  void registrationRecordOfARegisteredDeviceIsReadQueriedAndDeleted() throws Exception {
    String groupId = newId("registrations");
    String groupKey = SymmetricKeyDeviceSdkContract.newKey();
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.symmetricKey(groupId, groupKey));
    List<String> devices =
        List.of(groupId + "-device-1", groupId + "-device-2", groupId + "-device-3");
    for (String device : devices) {
      Outcome outcome = NodeDeviceSdk.http().registerWithGroupKey(emulator, device, groupKey);
      assertEquals("assigned", ((Outcome.Registered) outcome).status(), outcome.toString());
    }
    String id = devices.get(0);
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();

    JsonNode answers =
        NodeServiceSdk.answers(
            service()
                .call("getDeviceRegistrationState", id)
                .call(
                    "createEnrollmentGroupDeviceRegistrationStateQuery",
                    query(),
                    groupId,
                    PAGE_SIZE)
                .call("deleteDeviceRegistrationState", id, record.etag())
                .run());

    JsonNode read = answers.get(0);
    assertEquals(200, read.path("httpStatus").asInt());
    assertEquals(id, read.path("body").path("registrationId").asText());
    assertEquals(record.assignedHub(), read.path("body").path("assignedHub").asText());
    assertEquals(record.deviceId(), read.path("body").path("deviceId").asText());
    assertEquals("assigned", read.path("body").path("status").asText());
    assertEquals(record.etag(), read.path("body").path("etag").asText());
    assertEquals(200, answers.get(1).path("httpStatus").asInt());
    assertEquals(devices, values(answers.get(1).path("body"), "registrationId"));
    assertSucceededWithoutAnswer(answers.get(2));
    assertEquals(Optional.empty(), emulator.registry().registration(id));
    assertTrue(
        emulator.registry().registration(devices.get(1)).isPresent(),
        "only that record is deleted");
  }

  @Test
  void wrongKeyInTheConnectionStringIsRefusedWith401() throws Exception {
    String wrongKey =
        emulator
            .serviceConnectionString()
            .replaceAll(
                "SharedAccessKey=[^;]*",
                "SharedAccessKey=" + SymmetricKeyDeviceSdkContract.newKey());
    String id = newId("unreachable");

    JsonNode error =
        NodeServiceSdk.error(
            new NodeServiceSdk(wrongKey, emulator.caFile())
                .call("getIndividualEnrollment", id)
                .run());

    assertEquals(401, error.path("httpStatus").asInt(), error.toString());
    assertEquals(401002, error.path("body").path("errorCode").asInt(), error.toString());
  }

  /** SDK method {@code writeMethod} of {@code body}, whose etag is stale, is refused with 412. */
  private void assertRefusedAsStale(String writeMethod, ObjectNode body) throws Exception {
    JsonNode stale = NodeServiceSdk.error(service().call(writeMethod, body).run());
    assertEquals(412, stale.path("httpStatus").asInt(), stale.toString());
  }

  /**
   * Calls SDK method {@code queryMethod} for every record in pages of {@link #PAGE_SIZE}, then
   * {@code deleteMethod} for {@code id} at {@code etag}: the query lists {@code expected} by {@code
   * idField}, over more than one page, and the delete succeeds.
   */
  private void assertQueriedInPagesThenDeleted(
      String queryMethod,
      String idField,
      List<String> expected,
      String deleteMethod,
      String id,
      String etag)
      throws Exception {
    JsonNode answers =
        NodeServiceSdk.answers(
            service().call(queryMethod, query(), PAGE_SIZE).call(deleteMethod, id, etag).run());

    assertEquals(200, answers.get(0).path("httpStatus").asInt());
    assertTrue(expected.size() > PAGE_SIZE, "the listing spans pages");
    assertEquals(expected, values(answers.get(0).path("body"), idField));
    assertSucceededWithoutAnswer(answers.get(1));
  }

  // The SDK resolves a delete with nothing: success is all it tells (the emulator answers 204).
  private static void assertSucceededWithoutAnswer(JsonNode answer) {
    assertTrue(answer.path("httpStatus").isNull(), answer.toString());
    assertTrue(answer.path("body").isNull(), answer.toString());
  }

  private NodeServiceSdk service() {
    return new NodeServiceSdk(emulator.serviceConnectionString(), emulator.caFile());
  }

  private static String newId(String what) {
    return "interop-service-" + what + "-" + IDS.incrementAndGet();
  }

  private static ObjectNode symmetricKeyAttestation() {
    ObjectNode attestation = NodeScripts.JSON.createObjectNode().put("type", "symmetricKey");
    attestation
        .putObject("symmetricKey")
        .put("primaryKey", SymmetricKeyDeviceSdkContract.newKey())
        .put("secondaryKey", SymmetricKeyDeviceSdkContract.newKey());
    return attestation;
  }

  private static ObjectNode query() {
    return NodeScripts.JSON.createObjectNode().put("query", "*");
  }

  // The service API lists by lower-cased ID.
  private static List<String> sortedIds(List<String> ids) {
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort((a, b) -> a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT)));
    return sorted;
  }

  private static List<String> values(JsonNode array, String field) {
    assertTrue(array.isArray(), array.toString());
    return StreamSupport.stream(array.spliterator(), false)
        .map(item -> item.path(field).asText())
        .toList();
  }
}
