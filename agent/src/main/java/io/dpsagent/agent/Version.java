package io.dpsagent.agent;

/** The agent's version, as sent in {@code User-Agent}. */
public final class Version {

  public static final String VERSION = versionFromManifest();
  public static final String USER_AGENT = "dps-agent/" + VERSION;

  private Version() {}

  private static String versionFromManifest() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
