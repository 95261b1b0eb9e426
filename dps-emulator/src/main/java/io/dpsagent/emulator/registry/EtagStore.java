package io.dpsagent.emulator.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Entries under a lookup key, each with an etag that {@code If-Match} conditions are checked
 * against: the enrollments, groups and registration records of a {@link Registry}.
 *
 * <p>Not locked itself: the registry serialises the changes, while readers on network threads see
 * the latest entry without waiting.
 */
final class EtagStore<V> {

  private final ConcurrentMap<String, V> entries = new ConcurrentHashMap<>();
  private final Function<V, String> etag;
  private final String nothingToMatch;

  /**
   * @param nothingToMatch the reason a condition on an absent entry fails
   */
  EtagStore(Function<V, String> etag, String nothingToMatch) {
    this.etag = etag;
    this.nothingToMatch = nothingToMatch;
  }

  Optional<V> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /**
   * The entry a change under {@code ifMatch} (absent, {@code *} or an etag) replaces, if any.
   *
   * @throws PreconditionFailedException if the condition is on an absent entry or does not match
   */
  Optional<V> checkIfMatch(String key, Optional<String> ifMatch)
      throws PreconditionFailedException {
    V stored = entries.get(key);
    if (stored == null) {
      if (ifMatch.isPresent()) {
        throw new PreconditionFailedException(nothingToMatch);
      }
      return Optional.empty();
    }
    boolean mismatch = ifMatch.isPresent() && !Etags.matches(etag.apply(stored), ifMatch.get());
    if (mismatch) {
      throw new PreconditionFailedException("etag does not match");
    }
    return Optional.of(stored);
  }

  /**
   * The entry a change under {@code condition} replaces, if any.
   *
   * @throws PreconditionFailedException if a condition fails; {@linkplain
   *     PreconditionFailedException#conflict() a conflict} if the entry exists, no {@code If-Match}
   *     was given and the condition needs one to replace it
   */
  Optional<V> check(String key, WriteCondition condition) throws PreconditionFailedException {
    Optional<V> previous = checkIfMatch(key, condition.ifMatch());
    if (previous.isPresent() && condition.ifNoneMatchAny()) {
      throw new PreconditionFailedException("If-None-Match: * and the entry exists");
    }
    if (previous.isPresent() && condition.replaceNeedsIfMatch() && condition.ifMatch().isEmpty()) {
      throw PreconditionFailedException.exists();
    }
    return previous;
  }

  /** Stores {@code value} as it is: no condition, no new etag. */
  void put(String key, V value) {
    entries.put(key, value);
  }

  /** Removes the entry if {@code ifMatch} matches; false if there was none. */
  boolean remove(String key, Optional<String> ifMatch) throws PreconditionFailedException {
    if (checkIfMatch(key, ifMatch).isEmpty()) {
      return false;
    }
    entries.remove(key);
    return true;
  }

  /** A snapshot of all entries, ordered by {@code sortKey}. */
  List<V> sortedBy(Function<V, String> sortKey) {
    List<V> list = new ArrayList<>(entries.values());
    list.sort(Comparator.comparing(sortKey));
    return List.copyOf(list);
  }
}
