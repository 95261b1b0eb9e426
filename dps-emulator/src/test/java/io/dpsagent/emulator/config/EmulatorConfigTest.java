package io.dpsagent.emulator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.LinkedHub;
import io.dpsagent.emulator.registry.ProvisioningStatus;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmulatorConfigTest extends ConfigFileFixture {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  static Path exampleFile() throws URISyntaxException {
    return Path.of(EmulatorConfigTest.class.getResource("/emulator-example.toml").toURI());
  }

  @Test
  void exampleFileLoads() throws Exception {
    EmulatorConfig config = EmulatorConfig.load(exampleFile());

    assertEquals("localhost", config.devices().host());
    assertEquals("127.0.0.1", config.devices().bindAddress());
    assertEquals(0, config.devices().httpsPort());
    assertEquals(Optional.of("0ne00ABCDEF"), config.seed().idScope());
    assertEquals(3, config.protocol().retryAfterSeconds());
    assertEquals(0, config.protocol().pollsBeforeAssignment());
    assertEquals(Duration.ofSeconds(5), config.protocol().sasClockSkew());
    assertFalse(config.protocol().strictApiVersion());
    assertEquals(
        List.of(
            new LinkedHub("hub-1.azure-devices.net", 1, 40),
            new LinkedHub("hub-2.azure-devices.net", 3, 15)),
        config.seed().linkedHubs());
    IndividualEnrollment gateway = config.seed().individualEnrollments().get(0);
    assertEquals("my-device-01", gateway.registrationId());
    assertEquals(Optional.of("gateway-01"), gateway.deviceId());
    assertEquals(List.of("hub-2.azure-devices.net"), gateway.iotHubs());
    assertEquals(
        ProvisioningStatus.DISABLED,
        config.seed().individualEnrollments().get(1).provisioningStatus());
    EnrollmentGroup group = config.seed().enrollmentGroups().get(0);
    assertEquals("line-3", group.id());
    assertEquals(ProvisioningStatus.ENABLED, group.provisioningStatus());
  }

  @Test
  void defaultsNeedNoFile() {
    EmulatorConfig config = EmulatorConfig.defaults();

    assertEquals("127.0.0.1", config.devices().bindAddress());
    assertEquals(0, config.devices().httpsPort());
    assertEquals(Optional.empty(), config.seed().idScope());
    assertEquals(
        List.of(LinkedHub.withHostName(EmulatorConfig.DEFAULT_HUB)), config.seed().linkedHubs());
    assertTrue(config.seed().individualEnrollments().isEmpty());
    assertTrue(config.tlsFiles().isEmpty());
  }

  @Test
  void emptyFileMeansDefaults() throws Exception {
    EmulatorConfig config = EmulatorConfig.load(write(""));

    assertEquals(
        List.of(LinkedHub.withHostName(EmulatorConfig.DEFAULT_HUB)), config.seed().linkedHubs());
  }

  @Test
  void unknownKeyIsNamedWithTheFile() throws Exception {
    assertProblem("[emulator]\nhttps_prot = 8443\n", "emulator.https_prot: unknown key");
  }

  @Test
  void unknownNestedKeyIsNamedWithItsPath() throws Exception {
    assertProblem(
        "[[individual_enrollments]]\nregistration_id = \"a\"\n"
            + "attestation = { type = \"symmetric_key\", primary_key = \""
            + KEY
            + "\", tertiary_key = \"x\" }\n",
        "individual_enrollments[0].attestation.tertiary_key: unknown key");
  }

  static Stream<Arguments> badValues() {
    String key = "attestation = { type = \"symmetric_key\", primary_key = \"" + KEY + "\" }\n";
    String enrollment = "[[individual_enrollments]]\nregistration_id = \"a\"\n";
    String group = "[[enrollment_groups]]\nenrollment_group_id = \"g\"\n";
    return Stream.of(
        arguments("[emulator]\nhttps_port = \"x\"", "emulator.https_port: wrong type or value"),
        arguments(
            "[emulator]\nhttps_port = 70000", "emulator.https_port: port out of range: 70000"),
        arguments(
            "[emulator]\nhub_mqtt_port = -1", "emulator.hub_mqtt_port: port out of range: -1"),
        arguments(
            "[emulator]\nretry_after_seconds = -1",
            "emulator.retry_after_seconds: retry-after is negative"),
        arguments("[emulator]\nid_scope = \"0ne-1\"", "emulator.id_scope: invalid ID scope: 0ne-1"),
        arguments(
            "[emulator]\ntls_key = \"k.pem\"",
            "emulator.tls_cert_chain: required when the other TLS file is set"),
        arguments(
            "[[linked_hubs]]\nallocation_weight = 2", "linked_hubs[0].host_name: is required"),
        arguments(
            "[[linked_hubs]]\nhost_name = \"h\"\nallocation_weight = -2",
            "linked_hubs[0].allocation_weight: allocation weight is negative"),
        arguments(
            "[[linked_hubs]]\nhost_name = \"h\"\n[[linked_hubs]]\nhost_name = \"H\"",
            "linked_hubs[1].host_name: duplicate \"H\""),
        arguments(enrollment, "individual_enrollments[0].attestation: is required"),
        arguments(
            enrollment.replace("\"a\"", "\"a.\"") + key,
            "individual_enrollments[0].registration_id: invalid registration ID: a."),
        arguments(
            enrollment + "device_id = \" \"\n" + key,
            "individual_enrollments[0].device_id: is empty"),
        arguments(
            enrollment + "provisioning_status = \"on\"\n" + key,
            "individual_enrollments[0].provisioning_status: must be \"enabled\" or \"disabled\""),
        arguments(
            enrollment + "iot_hubs = [\"nowhere\"]\n" + key,
            "individual_enrollments[0].iot_hubs[0]: is not a linked hub"),
        arguments(
            enrollment + "attestation = { type = \"nfc\" }",
            "individual_enrollments[0].attestation.type: unsupported; must be \"symmetric_key\","
                + " \"x509\" or \"tpm\""),
        arguments(
            enrollment + key + enrollment.replace("\"a\"", "\"A\"") + key,
            "individual_enrollments[1].registration_id: duplicate \"A\""),
        arguments(
            group + "attestation = { type = \"symmetric_key\" }",
            "enrollment_groups[0].attestation.primary_key: is required"),
        arguments(
            group + key + group + key,
            "enrollment_groups[1].enrollment_group_id: duplicate \"g\""));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void badValuesAreNamedByKey(String toml, String expectedProblem) throws Exception {
    assertProblem(toml, expectedProblem);
  }

  @Test
  void badKeyIsNamedButNotRepeated() throws Exception {
    String message =
        assertProblem(
            "[[enrollment_groups]]\nenrollment_group_id = \"g\"\n"
                + "attestation = { type = \"symmetric_key\", primary_key = \"c2VjcmV0!!\" }\n",
            "enrollment_groups[0].attestation.primary_key: symmetric key is not valid base64");

    assertFalse(message.contains("c2VjcmV0"));
  }

  @Test
  void tomlSyntaxErrorNamesTheLine() throws Exception {
    assertProblemStarts(
        "[emulator]\nhost = \"localhost\"\nhttps_port = = 3\n", "invalid TOML at line 3");
  }

  @Test
  void missingFileIsNamed() {
    Path file = directory.resolve("absent.toml");

    ConfigException error = refusal(file);

    assertTrue(error.getMessage().startsWith(file + ": cannot read"), error.getMessage());
  }

  @Test
  void tlsFilesResolveAgainstTheConfigDirectory() throws Exception {
    Files.writeString(directory.resolve("chain.pem"), "placeholder");
    Files.writeString(directory.resolve("key.pem"), "placeholder");
    Path file = write("[emulator]\ntls_cert_chain = \"chain.pem\"\ntls_key = \"key.pem\"\n");

    EmulatorConfig.TlsFiles tls = EmulatorConfig.load(file).tlsFiles().orElseThrow();

    assertEquals(directory.resolve("chain.pem").toAbsolutePath(), tls.certificateChain());
    assertEquals(directory.resolve("key.pem").toAbsolutePath(), tls.privateKey());
  }

  @Test
  void missingTlsFileIsNamed() throws Exception {
    assertProblemStarts(
        "[emulator]\ntls_cert_chain = \"chain.pem\"\ntls_key = \"key.pem\"\n",
        "emulator.tls_cert_chain: no such file");
  }

  @Test
  void toBuilderKeepsEverything() throws Exception {
    EmulatorConfig original = EmulatorConfig.load(exampleFile());

    EmulatorConfig copy = original.toBuilder().stateDirectory(directory).build();

    assertEquals(original.seed().idScope(), copy.seed().idScope());
    assertEquals(original.protocol(), copy.protocol());
    assertEquals(original.seed().linkedHubs(), copy.seed().linkedHubs());
    assertEquals(original.seed().individualEnrollments(), copy.seed().individualEnrollments());
    assertEquals(original.seed().enrollmentGroups(), copy.seed().enrollmentGroups());
    assertEquals(Optional.of(directory), copy.stateDirectory());
  }
}
