package io.dpsagent.agent.config;

/** A config key has a missing, unknown or wrong value. The message starts with the key. */
public final class InvalidConfigException extends Exception {

  private final String key;

  public InvalidConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
