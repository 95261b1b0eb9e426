package io.dpsagent.e2e.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationError;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceRegistrationState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecification;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadUsageException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import io.dpsagent.emulator.DpsEmulator;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official Java service SDK (provisioning-service-client 2.0.2) against the emulator's service
 * API on port 443 of its own loopback address, the only port the SDK dials. Every answer is checked
 * against the emulator's registry.
 *
 * <p>The SDK opens plain {@link HttpsURLConnection}s with no way to pass a TLS context, so the test
 * JVM's default socket factory trusts the emulator's CA for the life of this class, and is put back
 * afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaServiceSdkTest {

  private static final AtomicInteger IDS = new AtomicInteger();
  // Small enough that every query below needs more than one page.
  private static final int PAGE_SIZE = 2;

  private DpsEmulator emulator;
  private SSLSocketFactory previousFactory;
  private ProvisioningServiceClient client;

  @BeforeAll
  void startEmulator() throws Exception {
    emulator = StandardPortEmulators.start(Duration.ZERO);
    previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(
        EmulatorTrust.sslContext(emulator.caFile()).getSocketFactory());
    client = new ProvisioningServiceClient(emulator.serviceConnectionString());
  }

  @AfterAll
  void stopEmulator() {
    if (previousFactory != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void individualEnrollmentIsCreatedReadReplacedUnderItsEtagQueriedAndDeleted() throws Exception {
    String id = newId("enrollment");
    IndividualEnrollment enrollment = new IndividualEnrollment(id, newKeys());
    enrollment.setDeviceId(id + "-device-1");

    IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(enrollment);
    IndividualEnrollment read = client.getIndividualEnrollment(id.toUpperCase(Locale.ROOT));

    Versioned<io.dpsagent.emulator.registry.IndividualEnrollment> stored =
        emulator.registry().individualEnrollmentVersion(id).orElseThrow();
    assertEquals(Optional.of(id + "-device-1"), stored.value().deviceId());
    for (IndividualEnrollment answer : List.of(created, read)) {
      assertEquals(id, answer.getRegistrationId());
      assertEquals(id + "-device-1", answer.getDeviceId());
      assertEquals(stored.etag(), answer.getEtag());
      assertEquals(ProvisioningStatus.ENABLED, answer.getProvisioningStatus());
    }

    // Replacing without the etag is a conflict (as the real service answers), with a stale one a
    // failed precondition; the SDK sends the enrollment's etag as If-Match.
    IndividualEnrollment blind = new IndividualEnrollment(id, newKeys());
    assertThrows(
        ProvisioningServiceClientBadUsageException.class,
        () -> client.createOrUpdateIndividualEnrollment(blind));
    read.setDeviceId(id + "-device-2");
    IndividualEnrollment replaced = client.createOrUpdateIndividualEnrollment(read);
    Versioned<io.dpsagent.emulator.registry.IndividualEnrollment> restored =
        emulator.registry().individualEnrollmentVersion(id).orElseThrow();
    assertEquals(Optional.of(id + "-device-2"), restored.value().deviceId());
    assertEquals(restored.etag(), replaced.getEtag());
    assertNotEquals(stored.etag(), restored.etag());
    assertThrows(
        ProvisioningServiceClientPreconditionFailedException.class,
        () -> client.createOrUpdateIndividualEnrollment(created));
    assertEquals(restored, emulator.registry().individualEnrollmentVersion(id).orElseThrow());

    for (String other : List.of(id + "-a", id + "-b")) {
      client.createOrUpdateIndividualEnrollment(new IndividualEnrollment(other, newKeys()));
    }
    List<String> listed =
        allIds(
            client.createIndividualEnrollmentQuery(
                query(QuerySpecificationBuilder.FromType.ENROLLMENTS), PAGE_SIZE),
            IndividualEnrollment.class,
            IndividualEnrollment::getRegistrationId);
    assertEquals(
        emulator.registry().individualEnrollmentVersions().stream()
            .map(v -> v.value().registrationId())
            .toList(),
        listed);
    assertTrue(listed.size() > PAGE_SIZE, "the listing spans pages");

    client.deleteIndividualEnrollment(replaced);
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(id));
    assertThrows(
        ProvisioningServiceClientNotFoundException.class, () -> client.getIndividualEnrollment(id));
  }

  @Test
  void enrollmentGroupIsCreatedReadReplacedQueriedAndDeleted() throws Exception {
    String groupId = newId("group");
    EnrollmentGroup created =
        client.createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId, newKeys()));

    EnrollmentGroup read = client.getEnrollmentGroup(groupId.toUpperCase(Locale.ROOT));
    assertEquals(groupId, read.getEnrollmentGroupId());
    assertEquals(created.getEtag(), read.getEtag());
    assertEquals(
        emulator.registry().enrollmentGroupVersion(groupId).orElseThrow().etag(), read.getEtag());

    read.setProvisioningStatus(ProvisioningStatus.DISABLED);
    EnrollmentGroup replaced = client.createOrUpdateEnrollmentGroup(read);
    assertEquals(ProvisioningStatus.DISABLED, replaced.getProvisioningStatus());
    assertFalse(emulator.registry().enrollmentGroup(groupId).orElseThrow().isEnabled());

    client.createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId + "-a", newKeys()));
    client.createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId + "-b", newKeys()));
    List<String> listed =
        allIds(
            client.createEnrollmentGroupQuery(
                query(QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS), PAGE_SIZE),
            EnrollmentGroup.class,
            EnrollmentGroup::getEnrollmentGroupId);
    assertEquals(
        emulator.registry().enrollmentGroups().stream()
            .map(io.dpsagent.emulator.registry.EnrollmentGroup::id)
            .toList(),
        listed);

    client.deleteEnrollmentGroup(groupId, replaced.getEtag());
    assertEquals(Optional.empty(), emulator.registry().enrollmentGroup(groupId));
  }

  @Test
  void bulkOperationsRunInEveryModeOfTheSdk() throws Exception {
    String first = newId("bulk");
    String second = newId("bulk");

    BulkEnrollmentOperationResult created =
        client.runBulkEnrollmentOperation(
            BulkOperationMode.CREATE,
            List.of(
                new IndividualEnrollment(first, newKeys()),
                new IndividualEnrollment(second, newKeys())));
    assertTrue(created.getSuccessful(), created.toString());
    String etag = emulator.registry().individualEnrollmentVersion(first).orElseThrow().etag();

    // UPDATE_IF_MATCH_ETAG is sent as the specification spells it: updateIfMatchETag.
    IndividualEnrollment stale = new IndividualEnrollment(first, newKeys());
    stale.setEtag("\"stale\"");
    BulkEnrollmentOperationResult refused =
        client.runBulkEnrollmentOperation(BulkOperationMode.UPDATE_IF_MATCH_ETAG, List.of(stale));
    assertFalse(refused.getSuccessful());
    BulkEnrollmentOperationError error = refused.getErrors().get(0);
    assertEquals(first, error.getRegistrationId());
    assertEquals(412001, error.getErrorCode());
    assertEquals(etag, emulator.registry().individualEnrollmentVersion(first).orElseThrow().etag());

    IndividualEnrollment current = new IndividualEnrollment(first, newKeys());
    current.setEtag(etag);
    current.setProvisioningStatus(ProvisioningStatus.DISABLED);
    assertTrue(
        client
            .runBulkEnrollmentOperation(BulkOperationMode.UPDATE_IF_MATCH_ETAG, List.of(current))
            .getSuccessful());
    assertFalse(emulator.registry().individualEnrollment(first).orElseThrow().isEnabled());

    IndividualEnrollment updated = new IndividualEnrollment(second, newKeys());
    updated.setDeviceId(second + "-device");
    assertTrue(
        client
            .runBulkEnrollmentOperation(BulkOperationMode.UPDATE, List.of(updated))
            .getSuccessful());
    assertEquals(
        Optional.of(second + "-device"),
        emulator.registry().individualEnrollment(second).orElseThrow().deviceId());

    BulkEnrollmentOperationResult deleted =
        client.runBulkEnrollmentOperation(
            BulkOperationMode.DELETE,
            // (The SDK's one-string constructor reads JSON, not an ID.)
            List.of(
                new IndividualEnrollment(first, newKeys()),
                new IndividualEnrollment(second, newKeys())));
    assertTrue(deleted.getSuccessful(), deleted.toString());
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(first));
    assertEquals(Optional.empty(), emulator.registry().individualEnrollment(second));

    List<IndividualEnrollment> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(new IndividualEnrollment(newId("bulk-over"), newKeys()));
    }
    assertThrows(
        ProvisioningServiceClientBadUsageException.class,
        () -> client.runBulkEnrollmentOperation(BulkOperationMode.CREATE, eleven));
  }

  @Test
  void registrationRecordsAreReadQueriedAndDeleted() throws Exception {
    String groupId = newId("records");
    String groupKey = SymmetricKeyDeviceSdkContract.newKey();
    client.createOrUpdateEnrollmentGroup(
        new EnrollmentGroup(groupId, new SymmetricKeyAttestation(groupKey, null)));
    List<String> devices =
        List.of(groupId + "-device-1", groupId + "-device-2", groupId + "-device-3");
    JavaDeviceSdk device = new JavaDeviceSdk(ProvisioningDeviceClientTransportProtocol.HTTPS);
    for (String registrationId : devices) {
      Outcome outcome = device.registerWithGroupKey(emulator, registrationId, groupKey);
      assertEquals("assigned", ((Outcome.Registered) outcome).status(), outcome.toString());
    }
    String id = devices.get(0);
    RegistrationRecord record = emulator.registry().registration(id).orElseThrow();

    DeviceRegistrationState state = client.getDeviceRegistrationState(id);
    assertEquals(id, state.getRegistrationId());
    assertEquals(record.deviceId(), state.getDeviceId());
    assertEquals(record.assignedHub(), state.getAssignedHub());
    assertEquals(EnrollmentStatus.ASSIGNED, state.getStatus());
    assertEquals(record.etag(), state.getEtag());

    List<String> listed =
        allIds(
            client.createEnrollmentGroupRegistrationStateQuery(
                query(QuerySpecificationBuilder.FromType.DEVICE_REGISTRATIONS), groupId, PAGE_SIZE),
            DeviceRegistrationState.class,
            DeviceRegistrationState::getRegistrationId);
    assertEquals(devices, listed);

    client.deleteDeviceRegistrationState(state);
    assertEquals(Optional.empty(), emulator.registry().registration(id));
    assertTrue(emulator.registry().registration(devices.get(1)).isPresent(), "only that record");
  }

  private static SymmetricKeyAttestation newKeys() {
    return new SymmetricKeyAttestation(
        SymmetricKeyDeviceSdkContract.newKey(), SymmetricKeyDeviceSdkContract.newKey());
  }

  private static QuerySpecification query(QuerySpecificationBuilder.FromType from) {
    return new QuerySpecificationBuilder("*", from).createSqlQuery();
  }

  // The IDs of the items of every page of a query, in order; bounded, as a server that never ends
  // a listing must fail the test.
  private static <T> List<String> allIds(Query query, Class<T> type, Function<T, String> id) {
    List<String> ids = new ArrayList<>();
    for (int page = 0; page < 100 && query.hasNext(); page++) {
      Arrays.stream(query.next().getItems()).map(type::cast).map(id).forEach(ids::add);
    }
    assertFalse(query.hasNext(), "the query still had pages after 100");
    return ids;
  }

  private static String newId(String what) {
    return "interop-java-service-" + what + "-" + IDS.incrementAndGet();
  }
}
