package io.dpsagent.emulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Timestamps;
import io.dpsagent.emulator.registry.Attestation;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.EnrollmentMapper;
import io.dpsagent.emulator.registry.EnrollmentOptions;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.RegistrationIdRules;
import io.dpsagent.emulator.registry.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Individual enrollments and enrollment groups in the JSON of the DPS service API ({@code
 * IndividualEnrollment}, {@code EnrollmentGroup}, {@code AttestationMechanism}), both ways.
 *
 * <p>Server-managed fields in a request ({@code etag}, timestamps, {@code registrationState}) are
 * ignored, as are unknown fields. The attestation is {@link AttestationJson}'s.
 */
public final class EnrollmentJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Whether devices get certificates for their CSRs; the emulator's own field name. */
  static final String CERTIFICATE_ISSUANCE = "certificateIssuance";

  private static final EnrollmentMapper<InvalidRequestException> MAPPER =
      new EnrollmentMapper<>(EnrollmentJson::problem, false);

  private EnrollmentJson() {}

  // ---- to JSON

  /** An individual enrollment with its etag and timestamps. */
  public static ObjectNode toJson(Versioned<IndividualEnrollment> stored, boolean withKeys) {
    IndividualEnrollment enrollment = stored.value();
    ObjectNode json = NODES.objectNode();
    json.put("registrationId", enrollment.registrationId());
    enrollment.deviceId().ifPresent(id -> json.put("deviceId", id));
    json.set("attestation", AttestationJson.toJson(enrollment.attestation(), false, withKeys));
    putCommon(json, enrollment, stored);
    return json;
  }

  public static ObjectNode groupToJson(Versioned<EnrollmentGroup> stored, boolean withKeys) {
    EnrollmentGroup group = stored.value();
    ObjectNode json = NODES.objectNode();
    json.put("enrollmentGroupId", group.id());
    json.set("attestation", AttestationJson.toJson(group.attestation(), true, withKeys));
    putCommon(json, group, stored);
    return json;
  }

  private static void putCommon(ObjectNode json, Enrollment enrollment, Versioned<?> stored) {
    List<String> hubs = enrollment.iotHubs();
    if (hubs.size() == 1) {
      json.put("iotHubHostName", hubs.get(0));
    }
    ArrayNode hubArray = json.putArray("iotHubs");
    hubs.forEach(hubArray::add);
    EnrollmentOptions options = enrollment.options();
    options.initialTwin().ifPresent(twin -> json.set("initialTwin", twin));
    json.put("etag", stored.etag());
    json.put("provisioningStatus", enrollment.provisioningStatus().wireName());
    ObjectNode reprovision = json.putObject("reprovisionPolicy");
    reprovision.put("updateHubAssignment", options.reprovisionPolicy().updateHubAssignment());
    reprovision.put("migrateDeviceData", options.reprovisionPolicy().migrateDeviceData());
    options.allocationPolicy().ifPresent(p -> json.put("allocationPolicy", p.wireName()));
    options
        .customAllocation()
        .ifPresent(
            custom -> {
              ObjectNode definition = json.putObject("customAllocationDefinition");
              definition.put("webhookUrl", custom.webhookUrl().toString());
              definition.put("apiVersion", custom.apiVersion());
            });
    json.putObject("capabilities").put("iotEdge", options.iotEdge());
    if (options.certificateIssuance()) {
      json.put(CERTIFICATE_ISSUANCE, true); // emulator-specific, see docs/emulator.md
    }
    json.put("createdDateTimeUtc", Timestamps.format(stored.createdDateTimeUtc()));
    json.put("lastUpdatedDateTimeUtc", Timestamps.format(stored.lastUpdatedDateTimeUtc()));
  }

  // ---- from JSON

  /**
   * Reads an {@code IndividualEnrollment} sent to {@code /enrollments/{urlId}}.
   *
   * @param replaced the enrollment this one replaces, whose keys are kept if the body omits them
   */
  public static IndividualEnrollment individualFromJson(
      JsonNode json, String urlId, Optional<IndividualEnrollment> replaced)
      throws InvalidRequestException {
    String registrationId = idInBody(json, REGISTRATION_ID, urlId);
    Optional<String> deviceId = optionalText(json, "deviceId");
    return MAPPER.individual(
        registrationId, deviceId, attestation(json, false, replaced), fields(json));
  }

  /** Reads an {@code EnrollmentGroup} sent to {@code /enrollmentGroups/{urlId}}. */
  public static EnrollmentGroup groupFromJson(
      JsonNode json, String urlId, Optional<EnrollmentGroup> replaced)
      throws InvalidRequestException {
    String id = idInBody(json, ENROLLMENT_GROUP_ID, urlId);
    return MAPPER.group(id, attestation(json, true, replaced), fields(json));
  }

  /** The body field that names an enrollment, and the syntax the service requires of it. */
  private record IdField(String name, Predicate<String> valid, String rule) {}

  private static final IdField REGISTRATION_ID =
      new IdField(
          "registrationId", RegistrationIdRules::isValid, RegistrationIdRules.REGISTRATION_ID_RULE);
  private static final IdField ENROLLMENT_GROUP_ID =
      new IdField(
          "enrollmentGroupId",
          RegistrationIdRules::isValidGroupId,
          RegistrationIdRules.GROUP_ID_RULE);

  // The ID may be left out of the body; if given, it must be the URL's, in any case (both IDs are
  // case-insensitive).
  private static String idInBody(JsonNode json, IdField field, String urlId)
      throws InvalidRequestException {
    requireObject(json, "the body");
    String id = optionalText(json, field.name()).orElse(urlId);
    if (!id.equalsIgnoreCase(urlId)) {
      throw new InvalidRequestException(field.name() + " differs from the one in the URL");
    }
    if (!field.valid().test(id)) {
      throw new InvalidRequestException(field.name() + " must be " + field.rule());
    }
    return id;
  }

  private static Attestation attestation(
      JsonNode json, boolean group, Optional<? extends Enrollment> replaced)
      throws InvalidRequestException {
    return AttestationJson.fromJson(
        json.get("attestation"), group, replaced.map(Enrollment::attestation));
  }

  // The records check their own invariants (device ID syntax, ...); those are bad requests too.
  private static InvalidRequestException problem(EnrollmentMapper.Field field, String detail) {
    return new InvalidRequestException(
        switch (field) {
          case PROVISIONING_STATUS -> "provisioningStatus " + detail;
          case ALLOCATION_POLICY -> "allocationPolicy " + detail;
          case WEBHOOK_URL_MISSING -> "customAllocationDefinition.webhookUrl is missing";
          case WEBHOOK -> "customAllocationDefinition: " + detail;
          case INITIAL_TWIN -> "initialTwin is missing or not a JSON object";
          case ENROLLMENT -> detail;
        });
  }

  private static EnrollmentMapper.Fields fields(JsonNode json) throws InvalidRequestException {
    JsonNode reprovision = json.get("reprovisionPolicy");
    if (reprovision != null && !reprovision.isNull()) {
      requireObject(reprovision, "reprovisionPolicy");
    }
    return new EnrollmentMapper.Fields(
        optionalText(json, "provisioningStatus"),
        iotHubs(json),
        optionalText(json, "allocationPolicy"),
        customAllocation(json.get("customAllocationDefinition")),
        optionalBoolean(reprovision, "updateHubAssignment"),
        optionalBoolean(reprovision, "migrateDeviceData"),
        Optional.ofNullable(json.get("initialTwin")).filter(twin -> !twin.isNull()),
        optionalBoolean(json.get("capabilities"), "iotEdge").orElse(false),
        optionalBoolean(json, CERTIFICATE_ISSUANCE).orElse(false));
  }

  // iotHubHostName is the older single-hub form; iotHubs wins when both are given.
  private static List<String> iotHubs(JsonNode json) throws InvalidRequestException {
    JsonNode array = json.get("iotHubs");
    List<String> hubs = new ArrayList<>();
    if (array != null && !array.isNull()) {
      if (!array.isArray()) {
        throw new InvalidRequestException("iotHubs is not an array");
      }
      for (JsonNode hub : array) {
        if (!hub.isTextual() || hub.textValue().isBlank()) {
          throw new InvalidRequestException("iotHubs must hold host names");
        }
        hubs.add(hub.textValue());
      }
    }
    if (hubs.isEmpty()) {
      optionalText(json, "iotHubHostName").filter(h -> !h.isBlank()).ifPresent(hubs::add);
    }
    return hubs;
  }

  private static Optional<EnrollmentMapper.Webhook> customAllocation(JsonNode json)
      throws InvalidRequestException {
    if (json == null || json.isNull()) {
      return Optional.empty();
    }
    requireObject(json, "customAllocationDefinition");
    return Optional.of(
        new EnrollmentMapper.Webhook(
            optionalText(json, "webhookUrl"), optionalText(json, "apiVersion").orElse(null)));
  }

  private static Optional<Boolean> optionalBoolean(JsonNode json, String field)
      throws InvalidRequestException {
    JsonNode value = json == null ? null : json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw new InvalidRequestException(field + " is not a boolean");
    }
    return Optional.of(value.booleanValue());
  }

  static Optional<String> optionalText(JsonNode json, String field) throws InvalidRequestException {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidRequestException(field + " is not a string");
    }
    return Optional.of(value.textValue());
  }

  static void requireObject(JsonNode json, String what) throws InvalidRequestException {
    if (json == null || !json.isObject()) {
      throw new InvalidRequestException(what + " is missing or not a JSON object");
    }
  }
}
