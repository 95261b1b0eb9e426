package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsagent.emulator.config.ConfigException;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import io.dpsagent.emulator.registry.RegistrationRecord;
import io.dpsagent.emulator.registry.TpmMechanism;
import io.dpsagent.emulator.tpm.TestTpmKeys;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TPM enrollments through every way in: Java API, config file, service API, the state file. */
class TpmEnrollmentTest {

  private static final byte[] EK = TestTpmKeys.ekPublic(TestTpmKeys.rsa2048());
  private static final byte[] SRK = TestTpmKeys.ekPublic(TestTpmKeys.rsa2048());
  private static final String EK_BASE64 = Base64.getEncoder().encodeToString(EK);
  private static final String SRK_BASE64 = Base64.getEncoder().encodeToString(SRK);

  @TempDir Path directory;

  @Test
  void groupsCannotUseTpm() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EnrollmentGroup(
                    "g", TpmMechanism.of(EK), ProvisioningStatus.ENABLED, List.of()));
    assertEquals("TPM attestation is for individual enrollments only", e.getMessage());
    IllegalArgumentException malformed =
        assertThrows(IllegalArgumentException.class, () -> TpmMechanism.of(new byte[] {0, 0}));
    assertEquals("endorsement key: truncated TPMT_PUBLIC", malformed.getMessage());
  }

  @Test
  void configFileEnrollsATpm() throws Exception {
    Path file =
        write(
            "[[individual_enrollments]]\nregistration_id = \"tpm-1\"\n"
                + "attestation = { type = \"tpm\", endorsement_key = \""
                + EK_BASE64
                + "\", storage_root_key = \""
                + SRK_BASE64
                + "\" }\n");
    IndividualEnrollment enrollment =
        EmulatorConfig.load(file).seed().individualEnrollments().get(0);
    TpmMechanism attestation = (TpmMechanism) enrollment.attestation();
    assertArrayEquals(EK, attestation.endorsementKey());
    assertArrayEquals(SRK, attestation.storageRootKey().orElseThrow());
  }

  @Test
  void configFileErrorsNameTheKey() throws Exception {
    String individual = "[[individual_enrollments]]\nregistration_id = \"tpm-1\"\n";
    assertConfigError(
        individual + "attestation = { type = \"tpm\" }",
        "individual_enrollments[0].attestation.endorsement_key: is required");
    assertConfigError(
        individual + "attestation = { type = \"tpm\", endorsement_key = \"!!\" }",
        "individual_enrollments[0].attestation.endorsement_key: is not base64");
    assertConfigError(
        individual + "attestation = { type = \"tpm\", endorsement_key = \"AAA=\" }",
        "individual_enrollments[0].attestation.endorsement_key: endorsement key: truncated"
            + " TPMT_PUBLIC");
    assertConfigError(
        individual
            + "attestation = { type = \"tpm\", endorsement_key = \""
            + EK_BASE64
            + "\", primary_key = \"AA==\" }",
        "individual_enrollments[0].attestation.primary_key: not allowed for type \"tpm\"");
    assertConfigError(
        individual + "attestation = { type = \"symmetric_key\", endorsement_key = \"AA==\" }",
        "individual_enrollments[0].attestation.endorsement_key: not allowed for type"
            + " \"symmetric_key\"");
    assertConfigError(
        "[[enrollment_groups]]\nenrollment_group_id = \"g\"\n"
            + "attestation = { type = \"tpm\", endorsement_key = \""
            + EK_BASE64
            + "\" }",
        "enrollment_groups[0].attestation.type: \"tpm\" is for individual enrollments only, not"
            + " for groups");
  }

  @Test
  void serviceApiTakesAndReturnsTpmAttestation() throws IOException {
    try (DpsEmulator emulator = DpsEmulator.start(EmulatorConfig.defaults())) {
      ServiceClient service = new ServiceClient(emulator);
      String body =
          "{\"registrationId\":\"tpm-1\",\"attestation\":{\"type\":\"tpm\",\"tpm\":"
              + "{\"endorsementKey\":\""
              + EK_BASE64
              + "\",\"storageRootKey\":\""
              + SRK_BASE64
              + "\"}}}";
      HttpResponse<String> put = service.send("PUT", "/enrollments/tpm-1", body);
      assertEquals(200, put.statusCode(), put::body);
      JsonNode attestation =
          json(service.send("GET", "/enrollments/tpm-1", null)).path("attestation");
      assertEquals("tpm", attestation.path("type").asText());
      assertEquals(EK_BASE64, attestation.path("tpm").path("endorsementKey").asText());
      assertEquals(SRK_BASE64, attestation.path("tpm").path("storageRootKey").asText());
      assertArrayEquals(
          EK,
          ((TpmMechanism)
                  emulator.registry().individualEnrollment("tpm-1").orElseThrow().attestation())
              .endorsementKey());

      DeviceClient.assertError(
          service.send(
              "PUT",
              "/enrollmentGroups/g",
              "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\""
                  + EK_BASE64
                  + "\"}}}"),
          400,
          400100);
      HttpResponse<String> malformed =
          service.send(
              "PUT",
              "/enrollments/tpm-2",
              "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\"AAEC\"}}}");
      DeviceClient.assertError(malformed, 400, 400100);
      assertTrue(
          json(malformed)
              .path("message")
              .asText()
              .contains("attestation.tpm.endorsementKey is not a usable TPM2B_PUBLIC"),
          malformed::body);
    }
  }

  @Test
  void tpmEnrollmentsAndDeviceKeysSurviveARestart() throws IOException {
    EmulatorConfig config =
        EmulatorConfig.builder().stateDirectory(directory.resolve("state")).build();
    String deviceKey;
    try (DpsEmulator first = DpsEmulator.start(config)) {
      IndividualEnrollment enrollment = IndividualEnrollment.tpm("tpm-1", EK);
      first.registry().addIndividualEnrollment(enrollment);
      RegistrationRecord record =
          first
              .registry()
              .recordAssignment(
                  "tpm-1",
                  enrollment,
                  LinkedHub.withHostName(EmulatorConfig.DEFAULT_HUB),
                  Instant.now());
      deviceKey = record.tpmDeviceKey().orElseThrow().toBase64();
      assertEquals(32, Base64.getDecoder().decode(deviceKey).length);
    }
    String stateFile = Files.readString(directory.resolve("state").resolve("state.json"));
    assertTrue(stateFile.contains(deviceKey));
    try (DpsEmulator second = DpsEmulator.start(config)) {
      assertArrayEquals(
          EK,
          ((TpmMechanism)
                  second.registry().individualEnrollment("tpm-1").orElseThrow().attestation())
              .endorsementKey());
      assertEquals(
          deviceKey,
          second
              .registry()
              .registration("tpm-1")
              .orElseThrow()
              .tpmDeviceKey()
              .orElseThrow()
              .toBase64());
      assertFalse(
          json(new ServiceClient(second).send("GET", "/registrations/tpm-1", null))
              .toString()
              .contains(deviceKey));
    }
  }

  private void assertConfigError(String toml, String problem) throws IOException {
    Path file = write(toml);
    ConfigException error = assertThrows(ConfigException.class, () -> EmulatorConfig.load(file));
    assertEquals(file + ": " + problem, error.getMessage());
  }

  private Path write(String toml) throws IOException {
    Path file = directory.resolve("emulator.toml");
    Files.writeString(file, toml);
    return file;
  }
}
