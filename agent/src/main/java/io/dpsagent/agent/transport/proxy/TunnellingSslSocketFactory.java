package io.dpsagent.agent.transport.proxy;

import io.dpsagent.agent.config.ProxySettings;
import io.dpsagent.agent.transport.Deadline;
import io.dpsagent.agent.transport.ForwardingSslSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets that reach their server through an HTTP proxy tunnel. MQTT clients create an
 * unconnected socket and then {@code connect()} it to the broker; the socket returned here opens
 * the tunnel at that moment and runs TLS inside it, so the client needs no proxy support of its
 * own.
 */
public final class TunnellingSslSocketFactory extends ForwardingSslSocketFactory {

  private final ProxySettings proxy;
  private final Duration connectTimeout;

  /** {@code connectTimeout} bounds the tunnel when the caller gives no timeout of its own. */
  public TunnellingSslSocketFactory(
      SSLSocketFactory tls, ProxySettings proxy, Duration connectTimeout) {
    super(tls);
    this.proxy = proxy;
    this.connectTimeout = connectTimeout;
  }

  private Deadline tunnelDeadline(int timeoutMillis) {
    return Deadline.after(timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : connectTimeout);
  }

  @Override
  public Socket createSocket() {
    return new TunnelledSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return tls.createSocket(
        HttpTunnel.open(proxy, host, port, tunnelDeadline(0)), host, port, true);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return createSocket(host.getHostAddress(), port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return createSocket(address.getHostAddress(), port);
  }

  /** An SSL socket whose real socket exists once {@code connect} has built the tunnel. */
  private final class TunnelledSocket extends SSLSocket {
    private SSLSocket real;

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      InetSocketAddress target = (InetSocketAddress) endpoint;
      Socket tunnel =
          HttpTunnel.open(proxy, target.getHostString(), target.getPort(), tunnelDeadline(timeout));
      real = (SSLSocket) tls.createSocket(tunnel, target.getHostString(), target.getPort(), true);
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    private SSLSocket real() {
      if (real == null) {
        throw new IllegalStateException("socket is not connected");
      }
      return real;
    }

    @Override
    public boolean isConnected() {
      return real != null && real.isConnected();
    }

    @Override
    public boolean isClosed() {
      return real != null && real.isClosed();
    }

    @Override
    public void close() throws IOException {
      if (real != null) {
        real.close();
      }
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return real().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return real().getOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      real().setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
      return real().getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
      real().setTcpNoDelay(on);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
      real().setKeepAlive(on);
    }

    @Override
    public InetAddress getInetAddress() {
      return real == null ? null : real.getInetAddress();
    }

    @Override
    public int getPort() {
      return real == null ? 0 : real.getPort();
    }

    @Override
    public int getLocalPort() {
      return real == null ? -1 : real.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return real == null ? null : real.getRemoteSocketAddress();
    }

    @Override
    public void shutdownInput() throws IOException {
      real().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
      real().shutdownOutput();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return real().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      real().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
      return real().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return real().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      real().setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return real().getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return real().getHandshakeSession();
    }

    @Override
    public SSLParameters getSSLParameters() {
      return real().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
      real().setSSLParameters(parameters);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener l) {
      real().addHandshakeCompletedListener(l);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener l) {
      real().removeHandshakeCompletedListener(l);
    }

    @Override
    public void startHandshake() throws IOException {
      real().startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      real().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return real().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      real().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return real().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      real().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return real().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      real().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return real().getEnableSessionCreation();
    }

    @Override
    public String getApplicationProtocol() {
      return real().getApplicationProtocol();
    }
  }
}
