package io.dpsagent.emulator.device;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Operations by ID; the oldest are forgotten so that a long-running emulator stays bounded. */
final class OperationStore {

  private static final int CAPACITY = 100_000;

  private final Map<String, Operation> operations =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Operation> eldest) {
          return size() > CAPACITY;
        }
      };

  /** A new ID shaped like the real ones ({@code 4.<16 hex>.<uuid>}); clients treat it as opaque. */
  static String newOperationId() {
    return "4."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
        + "."
        + UUID.randomUUID();
  }

  synchronized void add(Operation operation) {
    operations.put(operation.id(), operation);
  }

  /** The operation with this ID, if it was started by this registration ID. */
  synchronized Optional<Operation> find(String operationId, String registrationId) {
    return Optional.ofNullable(operations.get(operationId))
        .filter(operation -> operation.belongsTo(registrationId));
  }
}
