package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.Printable;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.TpmKeyUri;
import java.io.IOException;
import java.io.StringWriter;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tss.tpm.CreateResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_RH;

/**
 * X.509 keys that never leave the TPM: create a signing key under the SRK and persist it (factory),
 * read its public half back, sign a PKCS#10 CSR with it, and use it as a TLS client identity.
 *
 * <p>A persisted key is never replaced here: a certificate may already have been issued for it. It
 * is evicted only on request ({@link #evict}), once no certificate in use names it. Every transient
 * object is flushed before a method returns, whatever happens.
 */
public final class TpmSigningKeys {

  private TpmSigningKeys() {}

  /**
   * Creates a {@code type} signing key under the SRK (the EK and SRK are created first when absent,
   * as for attestation) and persists it at {@code handle}.
   *
   * @throws HsmException KEY_SOURCE if the handle is taken or is one of the attestation handles; a
   *     {@link TpmException} if the TPM refuses (e.g. a wrong owner password)
   */
  public static TpmSigningKey create(
      TctiSpec tcti, TpmSettings settings, TpmTimeouts timeouts, int handle, TpmKeyType type)
      throws HsmException {
    requireOwnHandle(settings, handle);
    try (TpmAttestor tpm = TpmAttestor.open(tcti, settings, timeouts)) {
      return tpm.withConnection(c -> createAndPersist(c, settings, handle, type));
    }
  }

  private static TpmSigningKey createAndPersist(
      TpmConnection c, TpmSettings settings, int handle, TpmKeyType type) throws HsmException {
    String at = TpmConnection.hex(handle);
    if (c.readPublic(handle, "signing key").isPresent()) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE,
          "a key is already persisted at "
              + at
              + "; it is never replaced (a certificate may name it): choose another handle,"
              + " or evict it first (tpm2_evictcontrol -C o -c "
              + at
              + ")");
    }
    TPM_HANDLE srk = TPM_HANDLE.from(settings.storageRootKeyHandle());
    srk.AuthValue = new byte[0];
    String under = " under SRK " + TpmConnection.hex(settings.storageRootKeyHandle());
    try (Transients transients = new Transients(c)) {
      CreateResponse created =
          c.run(
              "Create(" + type + " signing key" + under + ")",
              t ->
                  t.Create(
                      srk,
                      new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]),
                      type.template(),
                      new byte[0],
                      new TPMS_PCR_SELECTION[0]));
      TPM_HANDLE loaded =
          transients.track(
              c.run(
                  "Load(" + type + " signing key" + under + ")",
                  t -> t.Load(srk, created.outPrivate, created.outPublic)));
      TPM_HANDLE owner = TPM_HANDLE.from(TPM_RH.OWNER);
      owner.AuthValue = settings.ownerAuth();
      c.runVoid(
          "EvictControl(persist signing key at " + at + ")",
          t -> t.EvictControl(owner, loaded, TPM_HANDLE.from(handle)));
      return describe(handle, type, created.outPublic);
    }
  }

  /**
   * Evicts the signing key persisted at the handle {@code uri} names (a retired or unused
   * certificate key), with the owner authorisation.
   *
   * @return false when nothing was persisted there
   * @throws HsmException KEY_SOURCE for an attestation handle or an object there that is not a
   *     signing key {@link #read} accepts (it is not one of ours and stays)
   */
  public static boolean evict(
      TpmKeyUri uri, TctiSpec defaultTcti, TpmSettings settings, TpmTimeouts timeouts)
      throws HsmException {
    int handle = uri.handle();
    requireOwnHandle(settings, handle);
    try (TpmConnection c = TpmConnection.open(tcti(uri, defaultTcti), timeouts)) {
      if (c.readPublic(handle, "signing key").isEmpty()) {
        return false;
      }
      read(c, handle);
      TPM_HANDLE persistent = TPM_HANDLE.from(handle);
      c.runVoid(
          "EvictControl(evict signing key at " + TpmConnection.hex(handle) + ")",
          t -> t.EvictControl(Hierarchies.owner(settings), persistent, persistent));
      return true;
    }
  }

  private static void requireOwnHandle(TpmSettings settings, int handle) throws HsmException {
    Optional<String> role = settings.attestationRole(handle);
    if (role.isPresent()) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE,
          TpmConnection.hex(handle) + " is the " + role.get() + "'s handle; choose another handle");
    }
  }

  /**
   * The signing key persisted at {@code handle}.
   *
   * @throws HsmException KEY_SOURCE when nothing is persisted there or the object there is not an
   *     unrestricted ECC P-256 or RSA 2048 signing key; UNAVAILABLE when the TPM cannot be reached
   */
  public static TpmSigningKey read(TctiSpec tcti, TpmTimeouts timeouts, int handle)
      throws HsmException {
    try (TpmConnection c = TpmConnection.open(tcti, timeouts)) {
      return read(c, handle);
    }
  }

  /**
   * The signing key persisted at {@code handle}, or empty when nothing is persisted there.
   *
   * @throws HsmException KEY_SOURCE when the object there is not a signing key {@link #read}
   *     accepts; UNAVAILABLE when the TPM cannot be reached
   */
  public static Optional<TpmSigningKey> find(TctiSpec tcti, TpmTimeouts timeouts, int handle)
      throws HsmException {
    try (TpmConnection c = TpmConnection.open(tcti, timeouts)) {
      return c.readPublic(handle, "signing key").isPresent()
          ? Optional.of(read(c, handle))
          : Optional.empty();
    }
  }

  private static TpmSigningKey read(TpmConnection c, int handle) throws HsmException {
    String where = new TpmKeyUri(handle, Optional.empty()) + " (TPM at " + c.tcti() + ")";
    ReadPublicResponse found =
        c.readPublic(handle, "signing key")
            .orElseThrow(
                () ->
                    new HsmException(
                        HsmException.Kind.KEY_SOURCE,
                        "no key is persisted at " + where + "; create a signing key there first"));
    TPMT_PUBLIC area = found.outPublic;
    Set<String> attributes = TpmPublicKeys.attributes(area);
    Optional<TpmKeyType> type = TpmKeyType.of(area);
    if (type.isEmpty() || !attributes.contains("sign") || attributes.contains("restricted")) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE,
          "the "
              + TpmConnection.name(area.type())
              + " object at "
              + where
              + " is not an unrestricted ECC P-256 or RSA 2048 signing key (attributes "
              + String.join("|", attributes)
              + ")");
    }
    return describe(handle, type.get(), area);
  }

  private static TpmSigningKey describe(int handle, TpmKeyType type, TPMT_PUBLIC area) {
    return new TpmSigningKey(
        handle, type, TpmPublicKeys.of(area, type), TpmPublicKeys.attributes(area));
  }

  /**
   * A PKCS#10 certificate signing request for the key at {@code handle}, signed inside the TPM
   * (ECDSA or RSA PKCS #1 v1.5, SHA-256).
   *
   * @param subjectDn the requested subject, e.g. {@code CN=my-device-01}
   * @return the CSR in PEM ({@code -----BEGIN CERTIFICATE REQUEST-----})
   * @throws IllegalArgumentException if {@code subjectDn} is not a distinguished name
   */
  public static String csr(TctiSpec tcti, TpmTimeouts timeouts, int handle, String subjectDn)
      throws HsmException {
    X500Principal subject = subject(subjectDn);
    TpmSigningKey key = read(tcti, timeouts, handle);
    TpmPrivateKey privateKey = privateKey(tcti, timeouts, key);
    PKCS10CertificationRequest csr;
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder(key.type().algorithm().certificateSignature())
              .setProvider(TpmProvider.installed())
              .build(privateKey);
      csr = new JcaPKCS10CertificationRequestBuilder(subject, key.publicKey()).build(signer);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("the TPM provider signs " + key.type(), e);
    } catch (RuntimeOperatorException e) {
      throw signingFailure(e);
    }
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(csr);
    } catch (IOException e) {
      throw new IllegalStateException(e); // writing to memory
    }
    return pem.toString();
  }

  private static X500Principal subject(String subjectDn) {
    try {
      return new X500Principal(subjectDn);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "subject "
              + Printable.quote(subjectDn)
              + " is not a distinguished name; write it e.g. CN=my-device-01");
    }
  }

  /** The TPM's own failure behind BouncyCastle's unchecked wrapper. */
  private static HsmException signingFailure(RuntimeOperatorException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException hsm) {
        return hsm;
      }
    }
    return new HsmException("TPM signature failed: " + e.getMessage(), e);
  }

  /**
   * A TLS client identity for the key {@code uri} names and its certificate chain (leaf first): the
   * leaf must certify that very key.
   *
   * @param defaultTcti the TPM when the URI names none
   * @throws HsmException KEY_SOURCE when the URI's TCTI is malformed, the key is missing or unfit,
   *     or the leaf certifies another key
   */
  public static TlsIdentity tlsIdentity(
      TpmKeyUri uri, TctiSpec defaultTcti, TpmTimeouts timeouts, List<X509Certificate> chain)
      throws HsmException {
    TctiSpec tcti = tcti(uri, defaultTcti);
    TpmSigningKey key = read(tcti, timeouts, uri.handle());
    X509Certificate leaf = chain.get(0);
    if (!Arrays.equals(leaf.getPublicKey().getEncoded(), key.publicKey().getEncoded())) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE,
          "the certificate "
              + Printable.quote(leaf.getSubjectX500Principal().getName())
              + " certifies another key than "
              + uri
              + "; install the certificate issued for this key's CSR");
    }
    TpmProvider.installed();
    return new TpmTlsIdentity(privateKey(tcti, timeouts, key), chain);
  }

  private static TctiSpec tcti(TpmKeyUri uri, TctiSpec defaultTcti) throws HsmException {
    if (uri.tcti().isEmpty()) {
      return defaultTcti;
    }
    try {
      return TctiSpec.parse(uri.tcti().get());
    } catch (IllegalArgumentException e) {
      throw new HsmException(
          HsmException.Kind.KEY_SOURCE, "key URI " + uri + ": " + e.getMessage());
    }
  }

  private static TpmPrivateKey privateKey(TctiSpec tcti, TpmTimeouts timeouts, TpmSigningKey key) {
    return TpmPrivateKey.of(
        new TpmKeySigner(tcti, key.handle(), key.type(), timeouts), key.publicKey());
  }
}
