package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.ExitCode;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import java.util.Optional;
import java.util.logging.Logger;

/** Opens the PKCS#11 tokens key URIs name, with the exit codes of the contract. */
public final class Tokens {

  private static final Logger LOG = Logger.getLogger(Tokens.class.getName());

  private Tokens() {}

  /** Logs in to the token {@code uri} names (once: a wrong PIN is never retried). */
  public static Pkcs11Token open(KeyUri uri, Optional<String> module) throws AgentException {
    if (uri.pkcs11().hasInlinePin()) {
      LOG.warning(() -> uri + " carries its PIN in pin-value, readable by anyone who can read the config;"
          + " prefer pin-source=file:/path (mode 0600)");
    }
    try {
      return Pkcs11Token.open(uri.pkcs11(), module.orElse(null));
    } catch (Pkcs11Exception e) {
      throw failure(e);
    }
  }

  /**
   * A PIN file that is missing or too open is a configuration mistake (exit code 2, like key
   * files); everything else the token says is an HSM error (exit code 6).
   */
  public static AgentException failure(Pkcs11Exception e) {
    return new AgentException(e.kind() == Pkcs11Exception.Kind.PIN_UNAVAILABLE ? ExitCode.CONFIG : ExitCode.HSM,
        e.getMessage(), e);
  }
}
