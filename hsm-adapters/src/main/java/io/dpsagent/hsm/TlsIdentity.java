package io.dpsagent.hsm;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/**
 * A TLS client identity: a certificate chain and a key manager that signs the handshake with the
 * matching private key. The key itself is never exposed, so it can live in a file, a PKCS#11 token
 * or a TPM without the TLS code knowing.
 */
public interface TlsIdentity {

  /** The chain presented to the server, leaf first, without the root. */
  List<X509Certificate> certificateChain();

  /** Answers the TLS stack's requests for the client key; always picks this identity. */
  X509KeyManager keyManager();

  /** The leaf certificate. */
  default X509Certificate leaf() {
    return certificateChain().get(0);
  }
}
