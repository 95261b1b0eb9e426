package io.dpsagent.agent.config;

import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.Printable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The paths a config names: absolute, without NUL bytes, as a path or a {@code file:} URI. */
final class ConfigPaths {

  private ConfigPaths() {}

  static boolean absolute(String path) {
    try {
      return Path.of(path).isAbsolute();
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** The absolute path {@code key} names; a NUL byte or a relative path is a config error. */
  static Path absolutePath(Section s, String key) throws InvalidConfigException {
    String value = s.string(key).orElseThrow();
    if (!absolute(value)) {
      throw new InvalidConfigException(
          s.keyName(key), Printable.quote(value) + " must be an absolute path");
    }
    return Path.of(value);
  }

  /** Accepts {@code file:///abs/path} or a plain absolute path for non-secret files. */
  static Path filePath(String value, String key) throws InvalidConfigException {
    try {
      Path path = value.startsWith("file:") ? KeyUri.parse(value).path() : Path.of(value);
      if (!path.isAbsolute()) {
        throw new InvalidConfigException(
            key, Printable.quote(value) + " must be an absolute path or file:/// URI");
      }
      return path;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key, e.getMessage());
    }
  }
}
