package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packages form layers without cycles: the root holds interfaces and key references, the key
 * homes (software, pkcs11, tpm) build on it, and only {@code keys} knows every home. Checked on the
 * compiled classes, whose constant pools name every class they refer to.
 */
class PackageLayersTest {

  private static final Path CLASSES = Path.of("target/classes/io/dpsagent/hsm");

  @ParameterizedTest(name = "{0} does not use {1}")
  @CsvSource({
    "'', software",
    "'', pkcs11",
    "'', tpm",
    "'', tls",
    "'', keys",
    "software, pkcs11",
    "software, tpm",
    "software, keys",
    "pkcs11, tpm",
    "pkcs11, keys",
    "tpm, pkcs11",
    "tpm, software",
    "tpm, keys",
    "tls, software",
    "tls, pkcs11",
    "tls, tpm",
    "tls, keys"
  })
  void layers(String from, String forbidden) {
    assertEquals(Map.of(), references(from, "io/dpsagent/hsm/" + forbidden + "/"));
  }

  /** Classes directly in the package {@code from} whose constant pool names {@code prefix}. */
  private static Map<String, String> references(String from, String prefix) {
    Path dir = from.isEmpty() ? CLASSES : CLASSES.resolve(from);
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> classes = Files.list(dir)) {
      for (Path c : classes.filter(p -> p.toString().endsWith(".class")).toList()) {
        // Class names in the constant pool are modified UTF-8, ASCII here: a byte search finds
        // them.
        String pool = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
        if (pool.contains(prefix)) {
          found.put(c.getFileName().toString(), prefix);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }
}
