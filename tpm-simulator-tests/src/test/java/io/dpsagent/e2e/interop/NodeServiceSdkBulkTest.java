package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.common.testing.ClassFixture;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Node service SDK's {@code runBulkEnrollmentOperation} (IndividualEnrollment_RunBulkOperation)
 * against the emulator, with the etag-conditional mode in both spellings: the Node SDK's {@code
 * updateIfMatchEtag} and the specification's (and Java SDK's) {@code updateIfMatchETag}.
 */
class NodeServiceSdkBulkTest {

  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension
  static final ClassFixture<DpsEmulator> EMULATOR =
      ClassFixture.of(() -> StandardPortEmulators.start(Duration.ZERO));

  private final DpsEmulator emulator = EMULATOR.get();

  @ParameterizedTest
  @ValueSource(strings = {"updateIfMatchEtag", "updateIfMatchETag"})
  void bulkCreatesUpdatesUnderItsEtagAndDeletes(String ifMatchMode) throws Exception {
    String first = newId();
    String second = newId();

    JsonNode created = bulk("create", enrollment(first), enrollment(second));
    assertEquals(200, created.path("httpStatus").asInt(), created.toString());
    assertTrue(created.path("body").path("isSuccessful").asBoolean(), created.toString());
    Versioned<IndividualEnrollment> stored =
        emulator.registry().individualEnrollmentVersion(first).orElseThrow();
    assertTrue(emulator.registry().individualEnrollment(second).isPresent());

    ObjectNode stale = enrollment(first).put("provisioningStatus", "disabled").put("etag", "x");
    JsonNode refused = bulk(ifMatchMode, stale);
    assertEquals(200, refused.path("httpStatus").asInt(), refused.toString());
    assertFalse(refused.path("body").path("isSuccessful").asBoolean(), refused.toString());
    JsonNode error = refused.path("body").path("errors").path(0);
    assertEquals(first, error.path("registrationId").asText(), refused.toString());
    assertEquals(412001, error.path("errorCode").asInt(), refused.toString());
    assertEquals(stored, emulator.registry().individualEnrollmentVersion(first).orElseThrow());

    ObjectNode current = stale.deepCopy().put("etag", stored.etag());
    JsonNode updated = bulk(ifMatchMode, current);
    assertTrue(updated.path("body").path("isSuccessful").asBoolean(), updated.toString());
    Versioned<IndividualEnrollment> replaced =
        emulator.registry().individualEnrollmentVersion(first).orElseThrow();
    assertEquals(ProvisioningStatus.DISABLED, replaced.value().provisioningStatus());
    assertNotEquals(stored.etag(), replaced.etag());

    JsonNode deleted = bulk("delete", enrollment(first), enrollment(second));
    assertTrue(deleted.path("body").path("isSuccessful").asBoolean(), deleted.toString());
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(first));
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(second));
  }

  // The specification: "Bulk device enrollment operation with maximum of 10 enrollments."
  @Test
  void moreItemsThanTheSpecificationAllowsAreRefused() throws Exception {
    List<String> ids = IntStream.range(0, 11).mapToObj(i -> newId()).toList();
    ObjectNode[] enrollments =
        ids.stream().map(NodeServiceSdkBulkTest::enrollment).toArray(ObjectNode[]::new);

    JsonNode error = NodeServiceSdk.error(service(operation("create", enrollments)).run());

    assertEquals(400, error.path("httpStatus").asInt(), error.toString());
    assertEquals(400100, error.path("body").path("errorCode").asInt(), error.toString());
    assertTrue(ids.stream().allMatch(id -> emulator.registry().individualEnrollment(id).isEmpty()));
  }

  private JsonNode bulk(String mode, ObjectNode... enrollments) throws Exception {
    return NodeServiceSdk.answers(service(operation(mode, enrollments)).run()).get(0);
  }

  private NodeServiceSdk service(ObjectNode operation) {
    return new NodeServiceSdk(emulator.serviceConnectionString(), emulator.caFile())
        .call("runBulkEnrollmentOperation", operation);
  }

  private static ObjectNode operation(String mode, ObjectNode... enrollments) {
    ObjectNode operation = NodeScripts.JSON.createObjectNode().put("mode", mode);
    ArrayNode list = operation.putArray("enrollments");
    for (ObjectNode enrollment : enrollments) {
      list.add(enrollment);
    }
    return operation;
  }

  private static ObjectNode enrollment(String registrationId) {
    ObjectNode enrollment =
        NodeScripts.JSON.createObjectNode().put("registrationId", registrationId);
    enrollment
        .putObject("attestation")
        .put("type", "symmetricKey")
        .putObject("symmetricKey")
        .put("primaryKey", SymmetricKeyDeviceSdkContract.newKey());
    return enrollment;
  }

  private static String newId() {
    return "interop-bulk-" + IDS.incrementAndGet();
  }
}
