package io.dpsagent.emulator.mqtt;

import io.dpsagent.common.ConstantNames;

/**
 * What the MQTT endpoints do with an MQTT 5 CONNECT. DPS documents MQTT 3.1.1 only, and whether it
 * refuses MQTT 5 is not known, so both readings are available.
 */
public enum Mqtt5Policy {
  /** Answer with a 3.1.1 CONNACK, return code 0x01 (unacceptable protocol version), and close. */
  REJECT,
  /** Speak MQTT 5 on the same topics, with empty properties. */
  ACCEPT;

  /** The lower-case spelling used in the config file. */
  public String wireName() {
    return ConstantNames.lowerCase(this);
  }

  /**
   * Parses {@code reject} or {@code accept}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Mqtt5Policy fromWireName(String text) {
    return ConstantNames.parse(values(), Mqtt5Policy::wireName, text);
  }
}
