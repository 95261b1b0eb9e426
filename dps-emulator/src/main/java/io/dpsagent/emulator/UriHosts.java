package io.dpsagent.emulator;

/** Host names in URIs. */
final class UriHosts {

  private UriHosts() {}

  /** The host as a URI authority writes it: an IPv6 literal in brackets. */
  static String bracketed(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
