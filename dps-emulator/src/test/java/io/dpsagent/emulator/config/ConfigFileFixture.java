package io.dpsagent.emulator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A config file in each test's own directory, and the refusal that loading a bad one gives. */
abstract class ConfigFileFixture {

  @TempDir Path directory;

  /** Writes {@code toml} as the directory's {@code emulator.toml}. */
  Path write(String toml) throws IOException {
    return Files.writeString(directory.resolve("emulator.toml"), toml);
  }

  EmulatorConfig load(String toml) throws Exception {
    return EmulatorConfig.load(write(toml));
  }

  /** What loading {@code file} is refused with; fails the test if it loads. */
  static ConfigException refusal(Path file) {
    return assertThrows(ConfigException.class, () -> EmulatorConfig.load(file));
  }

  /** Loading {@code toml} is refused with exactly {@code <file>: <expectedProblem>}. */
  String assertProblem(String toml, String expectedProblem) throws IOException {
    Path file = write(toml);
    String message = refusal(file).getMessage();
    assertEquals(file + ": " + expectedProblem, message);
    return message;
  }

  /**
   * Loading {@code toml} is refused with a message that starts {@code <file>: <problemStart>}, for
   * problems that quote a path or a parser's detail.
   */
  String assertProblemStarts(String toml, String problemStart) throws IOException {
    Path file = write(toml);
    String message = refusal(file).getMessage();
    assertTrue(message.startsWith(file + ": " + problemStart), message);
    return message;
  }
}
