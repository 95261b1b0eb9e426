package io.dpsagent.emulator.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * DPS's "evenly weighted distribution" policy made deterministic: the same registration ID always
 * lands on the same hub for the same list of hubs, so tests can predict the assignment.
 */
public final class WeightedHubAllocator {

  private WeightedHubAllocator() {}

  /**
   * Picks a hub with probability proportional to its weight, by hashing the case-folded
   * registration ID. Empty when no hub has a positive weight.
   */
  public static Optional<LinkedHub> choose(String registrationId, List<LinkedHub> hubs) {
    long totalWeight = hubs.stream().mapToLong(LinkedHub::allocationWeight).sum();
    if (totalWeight == 0) {
      return Optional.empty();
    }
    long point = Long.remainderUnsigned(hash(registrationId), totalWeight);
    for (LinkedHub hub : hubs) {
      point -= hub.allocationWeight();
      if (point < 0) {
        return Optional.of(hub);
      }
    }
    throw new AssertionError("point lies beyond the total weight");
  }

  private static long hash(String registrationId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  RegistrationIdRules.lookupKey(registrationId).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java platform", e);
    }
  }
}
