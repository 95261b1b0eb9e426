package io.dpsagent.agent.transport;

import java.io.IOException;

/**
 * The proxy, not DPS, is what failed: unreachable, silent, or refusing the tunnel. The message
 * names the proxy and where it was configured, since that is where the fix is.
 */
public final class ProxyException extends IOException {

  public ProxyException(String message, Throwable cause) {
    super(message, cause);
  }
}
