package io.dpsagent.agent.attestation;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import java.util.Optional;
import java.util.logging.Logger;

/** Opens the PKCS#11 tokens key URIs name. */
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
      throw AgentException.hsm(e);
    }
  }
}
