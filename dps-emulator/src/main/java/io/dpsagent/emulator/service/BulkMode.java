package io.dpsagent.emulator.service;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code mode} of a bulk operation. Read case-insensitively: the specification's enum and the
 * Java SDK's {@code BulkOperationMode} say {@code updateIfMatchETag}, the Node SDK sends {@code
 * updateIfMatchEtag}.
 */
enum BulkMode {
  CREATE("create"),
  UPDATE("update"),
  UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
  DELETE("delete");

  private final String wireName;

  BulkMode(String wireName) {
    this.wireName = wireName;
  }

  static Optional<BulkMode> parse(String mode) {
    return Arrays.stream(values()).filter(m -> m.wireName.equalsIgnoreCase(mode)).findFirst();
  }
}
