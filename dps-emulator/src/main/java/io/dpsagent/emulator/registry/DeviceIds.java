package io.dpsagent.emulator.registry;

/**
 * The IoT Hub rules for device IDs: 1 to 128 ASCII letters, digits and {@code - . + % _ # * ? ! ( )
 * , : = @ $ '}.
 */
public final class DeviceIds {

  public static final int MAX_LENGTH = 128;
  private static final String SPECIAL = "-.+%_#*?!(),:=@$'";

  private DeviceIds() {}

  public static boolean isValid(String deviceId) {
    if (deviceId == null || deviceId.isEmpty() || deviceId.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < deviceId.length(); i++) {
      char c = deviceId.charAt(i);
      boolean alphanumeric =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric && SPECIAL.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * @throws IllegalArgumentException if {@code deviceId} breaks the rules
   */
  static String require(String deviceId) {
    if (!isValid(deviceId)) {
      throw new IllegalArgumentException(
          "invalid device ID: must be 1 to 128 of A-Z a-z 0-9 " + SPECIAL);
    }
    return deviceId;
  }
}
