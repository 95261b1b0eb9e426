package io.dpsagent.emulator.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The state directory holds a state file the emulator cannot use (corrupt, from an incompatible
 * version, or for another ID scope than configured). The message is one line naming the file; it
 * never repeats values, since the file holds keys.
 */
public final class StateFileException extends IOException {

  public StateFileException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
