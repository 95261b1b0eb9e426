package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.tls.FixedIdentityKeyManager;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/** A TLS client identity whose private key stays in a PKCS#11 token; the handshake signs there. */
final class Pkcs11TlsIdentity implements TlsIdentity {

  private final List<X509Certificate> chain;
  private final X509KeyManager keyManager;
  private final Pkcs11Uri uri;

  Pkcs11TlsIdentity(PrivateKey key, List<X509Certificate> chain, Pkcs11Uri uri) {
    this.chain = List.copyOf(chain);
    this.keyManager = new FixedIdentityKeyManager(key, this.chain);
    this.uri = uri;
  }

  @Override
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  @Override
  public X509KeyManager keyManager() {
    return keyManager;
  }

  @Override
  public String toString() {
    return "Pkcs11TlsIdentity[" + uri + ", " + leaf().getSubjectX500Principal() + "]";
  }
}
