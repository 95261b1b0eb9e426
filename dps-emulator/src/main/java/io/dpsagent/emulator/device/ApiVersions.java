package io.dpsagent.emulator.device;

import java.util.Set;

/** The {@code api-version} values devices are known to send for the same wire format. */
public final class ApiVersions {

  public static final Set<String> SUPPORTED =
      Set.of("2019-03-31", "2021-06-01", "2021-10-01", "2025-07-01-preview", "2026-04-01");

  private ApiVersions() {}

  public static boolean isSupported(String apiVersion) {
    return SUPPORTED.contains(apiVersion);
  }
}
