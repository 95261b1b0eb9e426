package io.dpsagent.emulator.issuance;

import java.util.Optional;

/** The api-versions whose register request has the {@code csr} field. */
public final class IssuanceApiVersions {

  /** The first version with certificate issuance; its GA successor is 2026-04-01. */
  public static final String FIRST = "2025-07-01-preview";

  private IssuanceApiVersions() {}

  /** Whether a request of {@code apiVersion} may carry {@code csr}: FIRST and every later date. */
  public static boolean readsCsr(Optional<String> apiVersion) {
    return apiVersion
        .filter(v -> v.length() >= 10)
        .map(v -> v.substring(0, 10).compareTo(FIRST.substring(0, 10)) >= 0)
        .orElse(false);
  }
}
