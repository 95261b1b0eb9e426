package io.dpsagent.emulator.service;

import io.dpsagent.emulator.auth.InvalidSasTokenException;
import io.dpsagent.emulator.auth.ParsedSasToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks service API SAS tokens: {@code SharedAccessSignature
 * sr={host}&sig=...&se=...&skn={policy}} signed with a policy's primary or secondary key over
 * {@code sr + "\n" + se}.
 *
 * <p>The resource must be the service host name, with or without the port (the Node SDK signs the
 * connection string's {@code HostName} verbatim, so {@code localhost:8444}), compared
 * case-insensitively after percent-decoding; the signature may be over the literal {@code sr} or
 * its decoded or re-encoded forms. Device tokens ({@code {scope}/registrations/{id}}) never match.
 */
public final class ServiceAuthenticator {

  private final List<SharedAccessPolicy> policies;
  private final Supplier<Set<String>> resources;
  private final Duration clockSkew;

  /**
   * @param resources the accepted {@code sr} values in lower case, e.g. {@code localhost} and
   *     {@code localhost:8444} (a supplier, since a free port is only known once bound)
   */
  public ServiceAuthenticator(
      List<SharedAccessPolicy> policies, Supplier<Set<String>> resources, Duration clockSkew) {
    this.policies = List.copyOf(policies);
    this.resources = resources;
    this.clockSkew = clockSkew;
  }

  /**
   * Returns the name of the policy that signed {@code authorization}.
   *
   * @throws ServiceAuthenticationException with a reason for the log, never key material
   */
  public String authenticate(Optional<String> authorization, Instant now)
      throws ServiceAuthenticationException {
    if (authorization.isEmpty()) {
      throw new ServiceAuthenticationException("no Authorization header");
    }
    ParsedSasToken token;
    try {
      token = ParsedSasToken.parse(authorization.get());
    } catch (InvalidSasTokenException e) {
      throw new ServiceAuthenticationException("malformed SAS token: " + e.getMessage());
    }
    if (!resources.get().contains(token.resource().toLowerCase(Locale.ROOT))) {
      throw new ServiceAuthenticationException("SAS token is not for this service host");
    }
    if (token.expiryEpochSeconds() < now.minus(clockSkew).getEpochSecond()) {
      throw new ServiceAuthenticationException("SAS token expired");
    }
    String keyName =
        token
            .keyName()
            .filter(name -> !name.isEmpty())
            .orElseThrow(() -> new ServiceAuthenticationException("SAS token names no policy"));
    SharedAccessPolicy policy =
        policies.stream()
            .filter(p -> p.keyName().equals(keyName))
            .findFirst()
            .orElseThrow(
                () -> new ServiceAuthenticationException("SAS token names an unknown policy"));
    if (!token.isSignedWith(policy.primary()) && !token.isSignedWith(policy.secondary())) {
      throw new ServiceAuthenticationException("signature does not match the policy's keys");
    }
    return keyName;
  }

  /** A service request failed authentication; the message is for the log only. */
  public static final class ServiceAuthenticationException extends Exception {
    ServiceAuthenticationException(String reason) {
      super(reason, null, false, false);
    }
  }
}
