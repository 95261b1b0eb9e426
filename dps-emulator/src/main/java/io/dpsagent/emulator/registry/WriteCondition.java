package io.dpsagent.emulator.registry;

import java.util.Optional;

/**
 * The conditions a create-or-replace is made under.
 *
 * @param ifMatch {@code If-Match}: an etag or {@code *}; fails on an absent entry
 * @param ifNoneMatchAny {@code If-None-Match: *}: only create, never replace
 * @param replaceNeedsIfMatch whether replacing an existing entry needs {@code ifMatch} (the
 *     service's optimistic concurrency: without it, a replacement is a conflict)
 */
public record WriteCondition(
    Optional<String> ifMatch, boolean ifNoneMatchAny, boolean replaceNeedsIfMatch) {

  public static final WriteCondition NONE = new WriteCondition(Optional.empty(), false, false);

  /** Only {@code If-Match} (absent, {@code *} or an etag), with no other rule. */
  public static WriteCondition ifMatch(Optional<String> ifMatch) {
    return new WriteCondition(ifMatch, false, false);
  }
}
