package io.dpsagent.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The emulator verifies what the agent signs, so its main code shares no classes with the agent's
 * key handling: a bug in shared code would pass every test. The hsm-adapters test helpers (PKI,
 * swtpm) are still used by tests, which is why this is checked on the sources and not by Maven.
 */
class EmulatorIndependenceTest {

  @Test
  void noMainClassUsesHsmAdapters() throws IOException {
    Path main = Path.of("src", "main", "java");
    assertTrue(Files.isDirectory(main), "run from the dps-emulator module directory");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(main)) {
      offenders =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .filter(EmulatorIndependenceTest::mentionsHsmAdapters)
              .map(Path::toString)
              .toList();
    }
    assertEquals(List.of(), offenders);
  }

  private static boolean mentionsHsmAdapters(Path file) {
    try {
      return Files.readString(file).contains("io.dpsagent.hsm");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
