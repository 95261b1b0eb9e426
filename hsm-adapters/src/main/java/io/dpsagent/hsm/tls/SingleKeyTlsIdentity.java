package io.dpsagent.hsm.tls;

import io.dpsagent.hsm.TlsIdentity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/**
 * A TLS identity of one private key and its chain, presented at every handshake ({@link
 * FixedIdentityKeyManager}). Subclasses say where the key lives; the key object may be a handle
 * into a token that signs there.
 */
public abstract class SingleKeyTlsIdentity implements TlsIdentity {

  private final List<X509Certificate> chain;
  private final X509KeyManager keyManager;

  protected SingleKeyTlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    this.chain = List.copyOf(chain);
    this.keyManager = new FixedIdentityKeyManager(key, this.chain);
  }

  @Override
  public final List<X509Certificate> certificateChain() {
    return chain;
  }

  @Override
  public final X509KeyManager keyManager() {
    return keyManager;
  }
}
