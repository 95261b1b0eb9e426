package io.dpsagent.emulator.config;

import java.nio.file.Path;

/**
 * A config file the emulator cannot use. The message is one line naming the file and, when known,
 * the key; it never repeats a value, since values may be keys.
 */
public final class ConfigException extends Exception {

  ConfigException(Path file, String key, String problem) {
    super(file + ": " + key + ": " + problem);
  }

  ConfigException(Path file, String problem) {
    super(file + ": " + problem);
  }

  ConfigException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
