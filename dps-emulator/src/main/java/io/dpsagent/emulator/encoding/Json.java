package io.dpsagent.emulator.encoding;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Jackson mapper for the JSON the emulator reads and writes outside the device API: service API
 * bodies, the state file, custom allocation webhooks. A mapper is thread-safe once configured, and
 * this one is never configured, so one instance serves every thread.
 */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
