package io.dpsagent.emulator.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The device API's {@code api-version} table: each version the emulator serves, with where it comes
 * from. All of them share one wire format for the fields the emulator serves ({@code csr} aside).
 *
 * <p>The spec (Azure/azure-rest-api-specs, {@code specification/deviceprovisioningservices})
 * defines 2021-10-01, 2025-07-01-preview and 2026-04-01; the official SDKs send two older versions,
 * which the service accepts, or no SDK would work. Versions of older SDK releases (2017-11-15,
 * 2018-04-01, 2018-11-01) have no source the emulator could check, and stay out; {@link
 * ApiVersionPolicy#WELL_FORMED} lets them in.
 */
public final class ApiVersions {

  /** Version → source, oldest first. */
  public static final Map<String, String> DEVICE_API = table();

  // How every published version is spelled: a date, optionally "-preview".
  private static final Pattern SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?");

  private ApiVersions() {}

  private static Map<String, String> table() {
    Map<String, String> table = new LinkedHashMap<>();
    table.put(
        "2019-03-31",
        "sent by the Java (SDKUtils), Node (constants.ts), C#, Python and embedded C device SDKs");
    table.put("2021-06-01", "sent by the C SDK (PROV_API_VERSION) and the IoT Identity Service");
    table.put("2021-10-01", "spec: stable/2021-10-01/device.json, device/main.tsp");
    table.put("2025-07-01-preview", "spec: preview/2025-07-01-preview/device.json (adds csr)");
    table.put("2026-04-01", "spec: stable/2026-04-01/device.json (csr generally available)");
    return Collections.unmodifiableMap(table);
  }

  public static boolean isSupported(String apiVersion) {
    return DEVICE_API.containsKey(apiVersion);
  }

  /**
   * Whether {@code apiVersion} is spelled like a published version ({@code YYYY-MM-DD[-preview]}).
   */
  public static boolean isWellFormed(String apiVersion) {
    return SHAPE.matcher(apiVersion).matches();
  }
}
