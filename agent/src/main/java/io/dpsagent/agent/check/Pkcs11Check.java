package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.AttestationConfig;
import io.dpsagent.agent.config.SymmetricKeyAttestation;
import io.dpsagent.agent.config.X509Attestation;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import java.util.List;
import java.util.Optional;

/**
 * {@code pkcs11}: the module loads, the token the key URI names is there, the PIN opens it (one
 * login, as provisioning makes), and the key object exists with an unreadable value; for an X.509
 * key, with a certificate that certifies it.
 */
final class Pkcs11Check extends NamedCheck {

  static final String ID = "pkcs11";

  private final AgentConfig config;
  private final KeyUri key;

  private Pkcs11Check(AgentConfig config, KeyUri key) {
    super(ID, List.of(KeyFilesCheck.ID));
    this.config = config;
    this.key = key;
  }

  /** The check of the config's token key, when its key lives in a token. */
  static Optional<Pkcs11Check> of(AgentConfig config) {
    return tokenKey(config.provisioning().attestation()).map(k -> new Pkcs11Check(config, k));
  }

  private static Optional<KeyUri> tokenKey(AttestationConfig attestation) {
    KeyUri key =
        attestation instanceof SymmetricKeyAttestation s
            ? s.key()
            : attestation instanceof X509Attestation x
                    && x.identity() instanceof X509Attestation.TokenKey t
                ? t.privateKey()
                : null;
    return Optional.ofNullable(key).filter(k -> k.scheme() == KeyUri.Scheme.PKCS11);
  }

  @Override
  public Verdict run() {
    Pkcs11Uri uri = key.pkcs11();
    try {
      Pkcs11Token token = Pkcs11Token.open(uri, config.pkcs11Module().orElse(null));
      String what = findObject(token, uri);
      String found =
          "token '"
              + token.info().label()
              + "' (slot "
              + token.info().slotId()
              + ") holds "
              + what
              + " "
              + uri
              + ", its value unreadable";
      return uri.hasInlinePin()
          ? Verdict.warning(
              found + "; its PIN is written in the config (pin-value)",
              "move the PIN into an owner-only file and use pin-source=file:/etc/dps-agent/pin")
          : Verdict.ok(found);
    } catch (Pkcs11Exception e) {
      return Verdict.error(AgentException.hsm(e).kind(), e.getMessage(), fix(e.pkcs11Kind(), uri));
    } catch (HsmException e) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          e.getMessage(),
          "correct identity_cert: it must hold the certificate chain of the token's key");
    }
  }

  private String findObject(Pkcs11Token token, Pkcs11Uri uri) throws HsmException {
    if (config.provisioning().attestation() instanceof SymmetricKeyAttestation) {
      token.sasSigner(uri);
      return "the secret key";
    }
    X509Attestation.TokenKey identity =
        (X509Attestation.TokenKey)
            ((X509Attestation) config.provisioning().attestation()).identity();
    Optional<KeyUri> chain =
        identity.certificateChain().filter(c -> c.scheme() == KeyUri.Scheme.FILE);
    if (chain.isPresent()) {
      token.tlsIdentity(uri, SoftwareTlsIdentity.readChain(chain.get().path()));
      return "the private key certified by " + chain.get().path() + ":";
    }
    token.tlsIdentity(uri);
    return "the private key and its certificate";
  }

  private String fix(Pkcs11Exception.Kind kind, Pkcs11Uri uri) {
    return switch (kind) {
      case MODULE_NOT_FOUND ->
          "install the token's PKCS#11 module, and name it in pkcs11.module or in the URI's"
              + " module-path";
      case TOKEN_NOT_FOUND ->
          "plug in or initialise the token, or correct the token attributes of "
              + uri
              + " (pkcs11-tool --module MODULE --list-tokens shows them)";
      case PIN_UNAVAILABLE ->
          "write the user PIN into the pin-source file (mode 600), or add"
              + " pin-source=file:/path to the URI";
      case WRONG_PIN ->
          "correct the PIN in the pin-source file before anything logs in again; tokens lock the PIN"
              + " after a few failures";
      case PIN_LOCKED ->
          "have the security officer unlock the user PIN (softhsm2-util/pkcs11-tool --init-pin)";
      case OBJECT_NOT_FOUND ->
          "put the key into the token (dps-agent pkcs11 import-key, or keygen + import-cert),"
              + " or correct object= in "
              + uri;
      case OBJECT_UNFIT ->
          "create the key again in the token as sensitive and non-extractable, with a"
              + " certificate for that key";
      case OBJECT_EXISTS, MECHANISM_UNSUPPORTED, TOKEN_ERROR ->
          "see docs/hsm.md; the token's own tools"
              + " (pkcs11-tool --list-objects) show what it holds";
    };
  }
}
