package io.dpsagent.hsm.keys;

import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import io.dpsagent.hsm.software.KeyFiles;
import io.dpsagent.hsm.software.SoftwareTlsIdentity;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmAttestor;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Turns key references into handles: the one place that knows every key home (files, PKCS#11
 * tokens, the TPM), so that a new home is added here and nowhere else.
 *
 * <p>Each home's classes load only when a reference to that home is opened: a device with key files
 * never loads SunPKCS11 or TSS.Java. That is why each home has its own method below; keep it so.
 */
public final class Keys {

  private Keys() {}

  /**
   * The HMAC-SHA256 signer for a symmetric key: a base64 key file or a secret key in a token.
   *
   * @throws HsmException naming the reference when the key cannot be opened
   */
  public static SasSigner sasSigner(KeyUri key, KeyOptions options) throws HsmException {
    key.warnings().forEach(options.warnings());
    return switch (key.scheme()) {
      case FILE -> KeyFiles.readSymmetricKey(key.path());
      case PKCS11 -> tokenSasSigner(key, options);
      case TPM ->
          throw new HsmException(
              HsmException.Kind.KEY_SOURCE,
              key + " is a TPM signing key, not a symmetric key; use file:/// or pkcs11:");
    };
  }

  /**
   * A TLS client identity: a private key and its certificate chain, leaf first. A key in a file
   * needs its chain in a PEM file; a key in a token takes its chain from a PEM file when {@code
   * chain} names one, else from the token, next to the key.
   */
  public static TlsIdentity tlsIdentity(Optional<KeyUri> chain, KeyUri key, KeyOptions options)
      throws HsmException {
    key.warnings().forEach(options.warnings());
    Optional<KeyUri> chainFile = chain.filter(KeyUri::isFile);
    return switch (key.scheme()) {
      case FILE -> SoftwareTlsIdentity.fromPem(chainFile(chainFile, key), key.path());
      case PKCS11 -> tokenTlsIdentity(chainFile, key, options);
      case TPM ->
          tpmTlsIdentity(SoftwareTlsIdentity.readChain(chainFile(chainFile, key)), key, options);
    };
  }

  /**
   * A TLS client identity for {@code key} with a chain held in memory, leaf first (a certificate
   * just issued for the key, before it is written anywhere); the leaf must certify the key.
   *
   * @param chainSource names the chain in messages
   */
  public static TlsIdentity tlsIdentity(
      List<X509Certificate> chain, String chainSource, KeyUri key, KeyOptions options)
      throws HsmException {
    key.warnings().forEach(options.warnings());
    return switch (key.scheme()) {
      case FILE -> SoftwareTlsIdentity.fromKeyFile(chain, chainSource, key.path());
      case PKCS11 -> tokenTlsIdentity(chain, key, options);
      case TPM -> tpmTlsIdentity(chain, key, options);
    };
  }

  private static Path chainFile(Optional<KeyUri> chainFile, KeyUri key) throws HsmException {
    return chainFile
        .orElseThrow(
            () ->
                new HsmException(
                    HsmException.Kind.KEY_SOURCE,
                    "private key " + key + " needs its certificate chain in a PEM file"))
        .path();
  }

  /** A TLS client identity from a PKCS#12 file, its password read from an owner-only file. */
  public static TlsIdentity tlsIdentityFromPkcs12(KeyUri bundle, KeyUri passwordFile)
      throws HsmException {
    return SoftwareTlsIdentity.fromPkcs12(bundle.path(), passwordFile.path());
  }

  /**
   * The TPM the TCTI names, as DPS sees it (EK and SRK created and persisted when absent); close it
   * when done.
   */
  public static Attestor attestor(TctiSpec tcti, KeyOptions options) throws HsmException {
    return TpmAttestor.open(tcti, options.tpmSettings(), options.tpmTimeouts());
  }

  private static TlsIdentity tpmTlsIdentity(
      List<X509Certificate> chain, KeyUri key, KeyOptions options) throws HsmException {
    return TpmSigningKeys.tlsIdentity(key.tpm(), options.tpmTcti(), options.tpmTimeouts(), chain);
  }

  private static SasSigner tokenSasSigner(KeyUri key, KeyOptions options) throws HsmException {
    return Pkcs11Token.open(key.pkcs11(), options.pkcs11Module().orElse(null))
        .sasSigner(key.pkcs11());
  }

  private static TlsIdentity tokenTlsIdentity(
      List<X509Certificate> chain, KeyUri key, KeyOptions options) throws HsmException {
    return Pkcs11Token.open(key.pkcs11(), options.pkcs11Module().orElse(null))
        .tlsIdentity(key.pkcs11(), chain);
  }

  private static TlsIdentity tokenTlsIdentity(
      Optional<KeyUri> chainFile, KeyUri key, KeyOptions options) throws HsmException {
    Pkcs11Token token = Pkcs11Token.open(key.pkcs11(), options.pkcs11Module().orElse(null));
    return chainFile.isPresent()
        ? token.tlsIdentity(key.pkcs11(), SoftwareTlsIdentity.readChain(chainFile.get().path()))
        : token.tlsIdentity(key.pkcs11());
  }
}
