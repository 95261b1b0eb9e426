package io.dpsagent.agent.transport;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A socket factory that changes how sockets are made or connected and leaves TLS to another: its
 * cipher suites, and TLS layered over a connected socket, are that factory's.
 */
public abstract class ForwardingSslSocketFactory extends SSLSocketFactory {

  protected final SSLSocketFactory tls;

  protected ForwardingSslSocketFactory(SSLSocketFactory tls) {
    this.tls = tls;
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    return tls.createSocket(socket, host, port, autoClose);
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }
}
