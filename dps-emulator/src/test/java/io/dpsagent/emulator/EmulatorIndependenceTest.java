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
 * The emulator verifies what the agent signs, so it shares no code with the agent's key handling: a
 * bug in shared code would pass every test. Neither its main code nor its tests use hsm-adapters or
 * the TSS.Java TPM stack; test support they share with the device side (run-time PKI, private swtpm
 * processes) comes from the common module's test-jar. The pom keeps those artifacts off the class
 * path; this checks the sources, so that a dependency coming back through another route is caught.
 */
class EmulatorIndependenceTest {

  @Test
  void noMainClassUsesHsmAdapters() throws IOException {
    assertEquals(List.of(), offenders(Path.of("src", "main", "java")));
  }

  @Test
  void noTestClassUsesHsmAdaptersOrTss() throws IOException {
    assertEquals(List.of(), offenders(Path.of("src", "test", "java")));
  }

  private static List<String> offenders(Path sources) throws IOException {
    assertTrue(Files.isDirectory(sources), "run from the dps-emulator module directory");
    try (Stream<Path> files = Files.walk(sources)) {
      return files
          .filter(file -> file.toString().endsWith(".java"))
          .filter(EmulatorIndependenceTest::mentionsDeviceSide)
          .map(Path::toString)
          .toList();
    }
  }

  private static boolean mentionsDeviceSide(Path file) {
    try {
      // split so that this file does not match itself
      String text = Files.readString(file);
      return text.contains("io.dpsagent." + "hsm") || text.contains("import " + "tss.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
