package io.dpsagent.hsm;

/**
 * The only source of {@link SecretKeyAccess}. Calling {@link #get()} says "this code reads a raw
 * key on purpose": an Azure connection string, a derived group member key printed for the factory
 * line, the emulator's service API. {@code grep -r InsecureSecretKeyAccess} lists every such place.
 */
public final class InsecureSecretKeyAccess {

  private InsecureSecretKeyAccess() {}

  public static SecretKeyAccess get() {
    return SecretKeyAccess.INSTANCE;
  }
}
