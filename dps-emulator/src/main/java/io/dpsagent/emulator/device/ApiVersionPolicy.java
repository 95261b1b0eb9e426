package io.dpsagent.emulator.device;

import io.dpsagent.common.ConstantNames;
import java.util.Locale;
import java.util.Optional;

/**
 * Which {@code api-version} values the device API serves. A missing or refused one is a 400 with
 * errorCode 400004 "Unsupported API version …", as the real service answered an unknown version
 * (Azure/iotedge#4112: {@code 2019-04-15} in Azure China).
 */
public enum ApiVersionPolicy {
  /** Only the versions of {@link ApiVersions#DEVICE_API} (the default; the spec requires one). */
  SUPPORTED,
  /**
   * Also any unknown version spelled like a published one ({@code YYYY-MM-DD[-preview]}): for SDKs
   * newer or older than the table. Missing and garbage values are still refused.
   */
  WELL_FORMED,
  /** Anything, even none: the emulator's behaviour before it had a table. */
  ANY;

  public String configName() {
    return ConstantNames.kebabCase(this);
  }

  /**
   * @throws IllegalArgumentException naming the accepted spellings
   */
  public static ApiVersionPolicy fromConfigName(String name) {
    return ConstantNames.parse(
        values(), ApiVersionPolicy::configName, name.strip().toLowerCase(Locale.ROOT));
  }

  /** Whether a request carrying {@code apiVersion} (empty: none) is served. */
  public boolean admits(Optional<String> apiVersion) {
    return switch (this) {
      case SUPPORTED -> apiVersion.filter(ApiVersions::isSupported).isPresent();
      case WELL_FORMED -> apiVersion.filter(ApiVersions::isWellFormed).isPresent();
      case ANY -> true;
    };
  }
}
