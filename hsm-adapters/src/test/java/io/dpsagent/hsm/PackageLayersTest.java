package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packages form layers without cycles: the root holds interfaces and key references, the key
 * homes (software, pkcs11, tpm) build on it, and only {@code keys} knows every home. Checked on the
 * compiled classes (see {@link PackageGraph}).
 */
class PackageLayersTest {

  private static final PackageGraph GRAPH =
      PackageGraph.of(Path.of("target/classes"), "io.dpsagent.hsm");

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
    assertEquals(Set.of(), GRAPH.usesOf(from, forbidden));
  }

  @Test
  void noPackagesUseEachOtherInACircle() {
    assertEquals(List.of(), GRAPH.cycles());
  }
}
