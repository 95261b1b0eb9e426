package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import io.dpsagent.emulator.registry.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
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
    Kind<IndividualEnrollment> kind = individualEnrollments();
    String id = newId("enrollment");
    ObjectNode enrollment = kind.newBody(id).put("deviceId", id + "-device-1");

    Versioned<IndividualEnrollment> stored = assertCreatedAndRead(kind, id, enrollment, "deviceId");

    assertEquals(Optional.of(id + "-device-1"), stored.value().deviceId());
    assertTrue(
        stored.value().attestation() instanceof SymmetricKeyMechanism,
        stored.value().attestation().toString());
    ObjectNode update =
        enrollment.deepCopy().put("deviceId", id + "-device-2").put("etag", stored.etag());
    Versioned<IndividualEnrollment> restored = assertUpdated(kind, id, stored, update, "deviceId");
    assertEquals(Optional.of(id + "-device-2"), restored.value().deviceId());
    assertStaleRefusedThenQueriedAndDeleted(
        kind, id, enrollment.deepCopy().put("etag", stored.etag()), restored);
  }

  @Test
  void enrollmentGroupIsCreatedReadUpdatedWithItsEtagQueriedAndDeleted() throws Exception {
    Kind<EnrollmentGroup> kind = enrollmentGroups();
    String groupId = newId("group");
    ObjectNode group = kind.newBody(groupId);

    Versioned<EnrollmentGroup> stored = assertCreatedAndRead(kind, groupId, group);

    assertEquals(ProvisioningStatus.ENABLED, stored.value().provisioningStatus());
    ObjectNode update =
        group.deepCopy().put("provisioningStatus", "disabled").put("etag", stored.etag());
    Versioned<EnrollmentGroup> restored =
        assertUpdated(kind, groupId, stored, update, "provisioningStatus");
    assertEquals(ProvisioningStatus.DISABLED, restored.value().provisioningStatus());
    assertStaleRefusedThenQueriedAndDeleted(
        kind, groupId, group.deepCopy().put("etag", stored.etag()), restored);
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

  /**
   * An enrollment kind as the SDK names it ({@code noun}, in every method name of the kind), and
   * the emulator's registry of it: the two kinds go through the same life, with the same etag
   * rules.
   */
  private record Kind<T>(
      String noun,
      String idField,
      Function<String, Optional<Versioned<T>>> version,
      Consumer<String> addAnother,
      Supplier<List<String>> ids) {

    String writeMethod() {
      return "createOrUpdate" + noun;
    }

    String readMethod() {
      return "get" + noun;
    }

    String queryMethod() {
      return "create" + noun + "Query";
    }

    String deleteMethod() {
      return "delete" + noun;
    }

    /** A body for a new enabled record {@code id} with a symmetric-key attestation. */
    ObjectNode newBody(String id) {
      ObjectNode body =
          NodeScripts.JSON.createObjectNode().put(idField, id).put("provisioningStatus", "enabled");
      body.set("attestation", symmetricKeyAttestation());
      return body;
    }
  }

  private Kind<IndividualEnrollment> individualEnrollments() {
    Registry registry = emulator.registry();
    return new Kind<>(
        "IndividualEnrollment",
        "registrationId",
        registry::individualEnrollmentVersion,
        other ->
            registry.addIndividualEnrollment(
                IndividualEnrollment.symmetricKey(other, SymmetricKeyDeviceSdkContract.newKey())),
        () ->
            registry.individualEnrollmentVersions().stream()
                .map(v -> v.value().registrationId())
                .toList());
  }

  private Kind<EnrollmentGroup> enrollmentGroups() {
    Registry registry = emulator.registry();
    return new Kind<>(
        "EnrollmentGroup",
        "enrollmentGroupId",
        registry::enrollmentGroupVersion,
        other ->
            registry.addEnrollmentGroup(
                EnrollmentGroup.symmetricKey(other, SymmetricKeyDeviceSdkContract.newKey())),
        () -> registry.enrollmentGroups().stream().map(EnrollmentGroup::id).toList());
  }

  /**
   * Creates {@code body} with the SDK and reads record {@code id} back: both answers are 200 with
   * the ID, the stored etag, the attestation sent and the {@code echoed} fields as sent; returns
   * what the registry stored.
   */
  private <T> Versioned<T> assertCreatedAndRead(
      Kind<T> kind, String id, ObjectNode body, String... echoed) throws Exception {
    JsonNode created =
        NodeServiceSdk.answers(
            service().call(kind.writeMethod(), body).call(kind.readMethod(), id).run());

    Versioned<T> stored = kind.version().apply(id).orElseThrow();
    for (JsonNode answer : created) {
      assertEquals(200, answer.path("httpStatus").asInt(), answer.toString());
      assertEchoes(answer, body, kind.idField());
      assertEchoes(answer, body, echoed);
      assertEquals(stored.etag(), answer.path("body").path("etag").asText());
      assertEquals(body.path("attestation"), answer.path("body").path("attestation"));
    }
    return stored;
  }

  /**
   * Writes {@code update}, which carries the etag of {@code stored}: the registry keeps it under a
   * new etag, and the 200 answer gives that etag and the {@code echoed} fields as sent; returns the
   * new version.
   */
  private <T> Versioned<T> assertUpdated(
      Kind<T> kind, String id, Versioned<T> stored, ObjectNode update, String... echoed)
      throws Exception {
    JsonNode updated =
        NodeServiceSdk.answers(service().call(kind.writeMethod(), update).run()).get(0);

    Versioned<T> restored = kind.version().apply(id).orElseThrow();
    assertNotEquals(stored.etag(), restored.etag());
    assertEquals(200, updated.path("httpStatus").asInt());
    assertEquals(restored.etag(), updated.path("body").path("etag").asText());
    assertEchoes(updated, update, echoed);
    return restored;
  }

  /**
   * Record {@code id} is at {@code restored}: a write of {@code stale}, whose etag is older, is
   * refused with 412 and changes nothing; with two more records the query lists them all over more
   * than one page, and the delete at the current etag removes the record.
   */
  private <T> void assertStaleRefusedThenQueriedAndDeleted(
      Kind<T> kind, String id, ObjectNode stale, Versioned<T> restored) throws Exception {
    JsonNode refused = NodeServiceSdk.error(service().call(kind.writeMethod(), stale).run());
    assertEquals(412, refused.path("httpStatus").asInt(), refused.toString());
    assertEquals(restored, kind.version().apply(id).orElseThrow(), "unchanged");

    for (String other : List.of(id + "-a", id + "-b")) {
      kind.addAnother().accept(other);
    }
    List<String> expected = sortedIds(kind.ids().get());
    JsonNode answers =
        NodeServiceSdk.answers(
            service()
                .call(kind.queryMethod(), query(), PAGE_SIZE)
                .call(kind.deleteMethod(), id, restored.etag())
                .run());

    assertEquals(200, answers.get(0).path("httpStatus").asInt());
    assertTrue(expected.size() > PAGE_SIZE, "the listing spans pages");
    assertEquals(expected, values(answers.get(0).path("body"), kind.idField()));
    assertSucceededWithoutAnswer(answers.get(1));
    assertEquals(Optional.empty(), kind.version().apply(id));
  }

  private static void assertEchoes(JsonNode answer, ObjectNode sent, String... fields) {
    for (String field : fields) {
      assertEquals(sent.get(field).asText(), answer.path("body").path(field).asText(), field);
    }
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
