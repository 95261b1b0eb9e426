package io.dpsagent.emulator.auth;

import io.dpsagent.emulator.crypto.HmacKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules every device SAS token must meet before its signature is tried: well-formed, for this
 * device's resource, key name {@code registration} (or none), not expired. Shared by symmetric-key
 * and TPM devices, which differ only in the keys that may have signed.
 */
final class DeviceSasRules {

  private static final String KEY_NAME = "registration";

  private final Duration clockSkew;

  /**
   * @param clockSkew how long after its expiry a token is still accepted, for devices whose clock
   *     runs slightly behind
   */
  DeviceSasRules(Duration clockSkew) {
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clock skew is negative");
    }
    this.clockSkew = clockSkew;
  }

  /** The parsed token, if its claims hold for {@code registrationId} at {@code now}. */
  ParsedSasToken check(
      Optional<String> authorization, String idScope, String registrationId, Instant now)
      throws AuthenticationException {
    ParsedSasToken token = parse(authorization);
    String expected = (idScope + "/registrations/" + registrationId).toLowerCase(Locale.ROOT);
    if (!token.resource().toLowerCase(Locale.ROOT).equals(expected)) {
      throw new AuthenticationException("SAS token is for another resource");
    }
    Optional<String> keyName = token.keyName();
    if (keyName.isPresent() && !keyName.get().isEmpty() && !keyName.get().equals(KEY_NAME)) {
      throw new AuthenticationException("SAS token names an unknown key");
    }
    if (token.expiryEpochSeconds() < now.minus(clockSkew).getEpochSecond()) {
      throw new AuthenticationException("SAS token expired");
    }
    return token;
  }

  static boolean isSignedByAny(ParsedSasToken token, List<HmacKey> keys) {
    for (HmacKey key : keys) {
      if (token.isSignedWith(key)) {
        return true;
      }
    }
    return false;
  }

  private static ParsedSasToken parse(Optional<String> authorization)
      throws AuthenticationException {
    if (authorization.isEmpty()) {
      throw new AuthenticationException("no Authorization header");
    }
    try {
      return ParsedSasToken.parse(authorization.get());
    } catch (InvalidSasTokenException e) {
      throw new AuthenticationException("malformed SAS token: " + e.getMessage());
    }
  }
}
