package io.dpsagent.emulator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsagent.emulator.registry.AllocationPolicy;
import io.dpsagent.emulator.registry.CustomAllocation;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.EnrollmentReprovisionPolicy;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The config keys of the service concepts: policies, webhooks, reprovisioning, service port. */
class ServiceConfigTest extends ConfigFileFixture {

  private static final String ATTESTATION =
      "attestation = { type = \"symmetric_key\", primary_key ="
          + " \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\" }\n";
  private static final String HUBS =
      "[[linked_hubs]]\nhost_name = \"hub-1.azure-devices.net\"\n"
          + "[[linked_hubs]]\nhost_name = \"hub-2.azure-devices.net\"\n";

  @Test
  void exampleFileCarriesTheServiceKeys() throws Exception {
    EmulatorConfig config = EmulatorConfig.load(EmulatorConfigTest.exampleFile());

    assertEquals(0, config.service().port());
    assertEquals(AllocationPolicy.HASHED, config.allocation().defaultPolicy());
    assertEquals(Duration.ofSeconds(10), config.allocation().assignment().webhookTimeout());
    assertEquals("initialAssignment", config.allocation().assignment().sameHubSubstatus());
    EnrollmentOptions gateway = config.seed().individualEnrollments().get(0).options();
    assertEquals(Optional.of(AllocationPolicy.STATIC), gateway.allocationPolicy());
    assertEquals(new EnrollmentReprovisionPolicy(true, false), gateway.reprovisionPolicy());
    assertEquals(
        new ObjectMapper()
            .readTree(
                "{\"tags\":{\"site\":\"north\"},\"properties\":{\"desired\":{\"telemetry_interval\":30}}}"),
        gateway.initialTwin().orElseThrow());
    assertEquals(
        Optional.of(AllocationPolicy.GEO_LATENCY),
        config.seed().enrollmentGroups().get(0).options().allocationPolicy());
    EnrollmentGroup partner = config.seed().enrollmentGroups().get(1);
    assertEquals(Optional.of(AllocationPolicy.CUSTOM), partner.options().allocationPolicy());
    assertEquals(
        Optional.of(
            new CustomAllocation(
                URI.create("https://allocation.example.com/api/allocate"), "2019-03-31")),
        partner.options().customAllocation());
  }

  @Test
  void serviceKeysAreReadAndAliasesAccepted() throws Exception {
    EmulatorConfig config =
        load(
            "[emulator]\nservice_port = 8444\nallocation_policy = \"lowest_latency\"\n"
                + "webhook_timeout_seconds = 3\n"
                + "reprovision_same_hub_substatus = \"reprovisionedToInitialAssignment\"\n"
                + HUBS
                + "[[individual_enrollments]]\n"
                + "registration_id = \"d\"\n"
                + "allocation_policy = \"evenly_weighted\"\n"
                + ATTESTATION);

    assertEquals(8444, config.service().port());
    assertEquals(true, config.service().replaceNeedsIfMatch());
    assertEquals(
        false,
        load("[emulator]\nservice_put_requires_if_match = false\n").toBuilder()
            .build()
            .service()
            .replaceNeedsIfMatch());
    assertEquals(AllocationPolicy.GEO_LATENCY, config.allocation().defaultPolicy());
    assertEquals(Duration.ofSeconds(3), config.allocation().assignment().webhookTimeout());
    assertEquals(
        "reprovisionedToInitialAssignment", config.allocation().assignment().sameHubSubstatus());
    IndividualEnrollment enrollment = config.seed().individualEnrollments().get(0);
    assertEquals(Optional.of(AllocationPolicy.HASHED), enrollment.options().allocationPolicy());
    assertEquals(EmulatorConfig.defaults().allocation().defaultPolicy(), AllocationPolicy.HASHED);
    assertEquals(config.service().port(), config.toBuilder().build().service().port());
    assertEquals(
        config.allocation().assignment(), config.toBuilder().build().allocation().assignment());
  }

  @Test
  void serviceListenerFollowsTheDeviceApiUnlessGivenItsOwnAddressAndHost() throws Exception {
    EmulatorConfig shared = load("[emulator]\nhost = \"dps.test\"\nbind_address = \"127.0.0.3\"\n");
    EmulatorConfig own =
        load(
            "[emulator]\nhost = \"dps.test\"\nbind_address = \"127.0.0.3\"\n"
                + "service_bind_address = \"127.0.0.4\"\nservice_host = \"service.dps.test\"\n");

    assertEquals("127.0.0.3", shared.serviceBindAddress());
    assertEquals("dps.test", shared.serviceHost());
    assertEquals("127.0.0.4", own.serviceBindAddress());
    assertEquals("service.dps.test", own.serviceHost());
    assertEquals("127.0.0.4", own.toBuilder().build().serviceBindAddress());
    assertEquals("service.dps.test", own.toBuilder().build().serviceHost());
    // Unset, they keep following the device API's values through toBuilder().
    EmulatorConfig moved = shared.toBuilder().host("other.test").bindAddress("127.0.0.5").build();
    assertEquals("other.test", moved.serviceHost());
    assertEquals("127.0.0.5", moved.serviceBindAddress());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[emulator]\\n"
            + "allocation_policy = \"custom\"\\n"
            + "| emulator.allocation_policy: \"custom\" cannot be the instance default; set it per"
            + " enrollment",
        "[emulator]\\n"
            + "allocation_policy = \"nearest\"\\n"
            + "| emulator.allocation_policy: must be \"hashed\", \"geoLatency\", \"static\" or"
            + " \"custom\"",
        "[emulator]\\nservice_port = 70000\\n| emulator.service_port: port out of range: 70000",
        "[emulator]\\nservice_host = \" \"\\n| emulator.service_host: service host is empty",
        "[emulator]\\nservice_bind_address = \"\"\\n"
            + "| emulator.service_bind_address: service bind address is empty",
        "[emulator]\\n"
            + "webhook_timeout_seconds = 0\\n"
            + "| emulator.webhook_timeout_seconds: webhook timeout must be positive",
        "[emulator]\\n"
            + "reprovision_same_hub_substatus = \"deviceDataReset\"\\n"
            + "| emulator.reprovision_same_hub_substatus: must be \"initialAssignment\" or"
            + " \"reprovisionedToInitialAssignment\"",
        "[[linked_hubs]]\\n"
            + "host_name = \"h\"\\n"
            + "latency_ms = -1\\n"
            + "| linked_hubs[0].latency_ms: latency is negative",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "allocation_policy = \"static\"\\n"
            + "ATTESTATION| individual_enrollments[0].iot_hubs: the static allocation policy needs"
            + " exactly one hub in iotHubs",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "allocation_policy = \"static\"\\n"
            + "iot_hubs = [\"hub-1.azure-devices.net\", \"hub-2.azure-devices.net\"]\\n"
            + "ATTESTATION| individual_enrollments[0].iot_hubs: the static allocation policy needs"
            + " exactly one hub in iotHubs",
        "HUBS[[enrollment_groups]]\\n"
            + "enrollment_group_id = \"g\"\\n"
            + "allocation_policy = \"static\"\\n"
            + "ATTESTATION| enrollment_groups[0].iot_hubs: the static allocation policy needs"
            + " exactly one hub in iotHubs",
        "[emulator]\\nallocation_policy = \"static\"\\nHUBS[[enrollment_groups]]\\n"
            + "enrollment_group_id = \"g\"\\n"
            + "ATTESTATION| enrollment_groups[0].iot_hubs: the instance's default allocation policy"
            + " is static: an enrollment without its own allocationPolicy needs exactly one hub in"
            + " iotHubs",
        "HUBS[[enrollment_groups]]\\n"
            + "enrollment_group_id = \"g$x\"\\n"
            + "ATTESTATION| enrollment_groups[0].enrollment_group_id: invalid enrollment group ID:"
            + " must be 1 to 128 of A-Z a-z 0-9 - . _ : ending in a letter, digit or -",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "allocation_policy = \"custom\"\\n"
            + "ATTESTATION| individual_enrollments[0].custom_allocation: the custom allocation"
            + " policy needs a webhook (customAllocationDefinition)",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "custom_allocation = { webhook_url = \"ftp://x/y\" }\\n"
            + "ATTESTATION| individual_enrollments[0].custom_allocation.webhook_url: webhook URL"
            + " must be an absolute http(s) URL",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "custom_allocation = { api_version = \"2019-03-31\" }\\n"
            + "ATTESTATION| individual_enrollments[0].custom_allocation.webhook_url: is required",
        "HUBS[[individual_enrollments]]\\nregistration_id = \"d\"\\ninitial_twin = 5\\nATTESTATION"
            + "| individual_enrollments[0].initial_twin: must be a table",
        "HUBS[[individual_enrollments]]\\n"
            + "registration_id = \"d\"\\n"
            + "device_id = \"a b\"\\n"
            + "ATTESTATION| individual_enrollments[0].device_id: must be 1 to 128 of A-Z a-z 0-9 -"
            + " . + % _ # * ? ! ( ) , : = @ $ '",
      })
  void badServiceValuesAreNamedByKey(String toml, String expectedProblem) throws Exception {
    assertProblem(
        toml.replace("\\n", "\n").replace("HUBS", HUBS).replace("ATTESTATION", ATTESTATION),
        expectedProblem.strip());
  }
}
