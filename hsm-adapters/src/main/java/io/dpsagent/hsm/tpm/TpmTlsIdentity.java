package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.TlsIdentity;
import io.dpsagent.hsm.tls.FixedIdentityKeyManager;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/** A TLS client identity whose private key stays in a TPM; the handshake signs with TPM2_Sign. */
final class TpmTlsIdentity implements TlsIdentity {

  private final List<X509Certificate> chain;
  private final X509KeyManager keyManager;
  private final TpmPrivateKey key;

  TpmTlsIdentity(TpmPrivateKey key, List<X509Certificate> chain) {
    this.chain = List.copyOf(chain);
    this.keyManager = new FixedIdentityKeyManager(key, this.chain);
    this.key = key;
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
    return "TpmTlsIdentity[" + key.signer() + ", " + leaf().getSubjectX500Principal() + "]";
  }
}
