package io.dpsagent.agent.dps;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.RegistrationId;
import io.dpsagent.hsm.Printable;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identifiers in DPS's answer that the agent puts into a URL path, an MQTT topic, an output
 * file or a log line, checked against the rules DPS and IoT Hub themselves apply. DPS's answer is
 * outside data: a hub name like {@code ../../x} or a device ID with a newline is refused (exit 4)
 * before it reaches any of those places, and the refusal shows the value escaped.
 */
public final class DpsValues {

  /** IoT Hub device IDs: case-sensitive, 1 to 128 ASCII letters, digits and these. */
  static final String DEVICE_ID_SPECIALS = "-:.+%_#*?!(),=@;$'";

  static final int MAX_DEVICE_ID = 128;
  static final int MAX_HOST_NAME = 253;
  static final int MAX_OPERATION_ID = 128;

  private static final Pattern DNS_LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  // Real ones look like 4.d0a671905ea5b2c8.e7173b7b-0e54-4aa0-9d20-aeb1b89e6c7d; the spec calls
  // them opaque.
  private static final Pattern OPERATION_ID =
      Pattern.compile("[A-Za-z0-9._~:-]{1," + MAX_OPERATION_ID + "}");
  private static final Pattern SUBSTATUS = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private DpsValues() {}

  /** Checks every identifier of a parsed answer that the agent will use or show. */
  public static void check(RegistrationOperationStatus status) throws AgentException {
    if (status.operationId().isPresent()) {
      operationId(status.operationId().get());
    }
    if (status.registrationState().isEmpty()) {
      return;
    }
    DeviceRegistrationResult state = status.registrationState().get();
    if (!state.registrationId().isEmpty()) {
      registrationId(state.registrationId());
    }
    ifPresent(state.assignedHub(), DpsValues::hubHostName);
    ifPresent(state.deviceId(), DpsValues::deviceId);
    ifPresent(state.substatus(), DpsValues::substatus);
  }

  /** A DNS host name of up to 253 characters, optionally with {@code :port} (1..65535). */
  public static String hubHostName(String value) throws AgentException {
    if (!isHostAndPort(value)) {
      throw refused("assignedHub", value, "a DNS host name with an optional :port");
    }
    return value;
  }

  /** The IoT Hub device-ID rules. */
  public static String deviceId(String value) throws AgentException {
    if (!isDeviceId(value)) {
      throw refused(
          "deviceId",
          value,
          "1 to " + MAX_DEVICE_ID + " ASCII letters, digits and " + DEVICE_ID_SPECIALS);
    }
    return value;
  }

  /** An opaque but bounded token: it goes into the poll URL and topic. */
  public static String operationId(String value) throws AgentException {
    if (!OPERATION_ID.matcher(value).matches()) {
      throw refused(
          "operationId", value, "1 to " + MAX_OPERATION_ID + " letters, digits and . _ ~ : -");
    }
    return value;
  }

  /** A word such as {@code initialAssignment}. */
  public static String substatus(String value) throws AgentException {
    if (!SUBSTATUS.matcher(value).matches()) {
      throw refused("substatus", value, "a word such as initialAssignment");
    }
    return value;
  }

  /** The registration-ID rules the device itself follows ({@link RegistrationId}). */
  public static String registrationId(String value) throws AgentException {
    if (!RegistrationId.isValid(value)) {
      throw refused("registrationId", value, "a registration ID (letters, digits and - . _ :)");
    }
    return value;
  }

  static boolean isDeviceId(String value) {
    if (value.isEmpty() || value.length() > MAX_DEVICE_ID) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alphanumeric =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric && DEVICE_ID_SPECIALS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  static boolean isHostAndPort(String value) {
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? value : value.substring(0, colon);
    if (colon >= 0 && !isPort(value.substring(colon + 1))) {
      return false;
    }
    if (host.isEmpty() || host.length() > MAX_HOST_NAME) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (!DNS_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String text) {
    return PORT.matcher(text).matches()
        && Integer.parseInt(text) >= 1
        && Integer.parseInt(text) <= 65_535;
  }

  private static AgentException refused(String field, String value, String expected) {
    return new AgentException(
        AgentException.Kind.REFUSED,
        "DPS answered with an invalid "
            + field
            + " "
            + Printable.quote(value)
            + "; expected "
            + expected
            + ". The answer is not used");
  }

  @FunctionalInterface
  private interface Check {
    String apply(String value) throws AgentException;
  }

  private static void ifPresent(Optional<String> value, Check check) throws AgentException {
    if (value.isPresent()) {
      check.apply(value.get());
    }
  }
}
