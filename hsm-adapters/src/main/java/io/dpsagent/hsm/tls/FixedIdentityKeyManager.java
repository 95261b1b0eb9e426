package io.dpsagent.hsm.tls;

import io.dpsagent.hsm.KeyAlgorithm;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager with exactly one identity. The JDK's own managers choose among aliases by
 * the server's CA list, which DPS does not send; a device has one identity, so there is nothing to
 * choose and every request gets it.
 */
public final class FixedIdentityKeyManager extends X509ExtendedKeyManager {

  static final String ALIAS = "device";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  public FixedIdentityKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  /** Our alias when the handshake can use our key type ("RSASSA-PSS" is an RSA key too). */
  private String aliasFor(String[] keyTypes) {
    String ours = KeyAlgorithm.of(key).map(KeyAlgorithm::jcaName).orElse(key.getAlgorithm());
    for (String type : keyTypes) {
      if (type.equals(ours) || ("RSA".equals(ours) && "RSASSA-PSS".equals(type))) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
