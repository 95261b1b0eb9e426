package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.tls.SingleKeyTlsIdentity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A TLS client identity whose private key stays in a PKCS#11 token; the handshake signs there. */
final class Pkcs11TlsIdentity extends SingleKeyTlsIdentity {

  private final Pkcs11Uri uri;

  Pkcs11TlsIdentity(PrivateKey key, List<X509Certificate> chain, Pkcs11Uri uri) {
    super(key, chain);
    this.uri = uri;
  }

  @Override
  public String toString() {
    return "Pkcs11TlsIdentity[" + uri + ", " + leaf().getSubjectX500Principal() + "]";
  }
}
