package io.dpsagent.hsm.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.KeyUri;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a key file loads no class of another key home: none of our PKCS#11 or TPM code, no
 * TSS.Java, JNA or BouncyCastle. Checked in a fresh JVM with {@code -verbose:class}, since this one
 * has loaded them. (The JDK's provider list loads its unconfigured SunPKCS11 class on the first
 * {@code Mac.getInstance}; that is the JDK's cost, not a key home's.)
 */
class KeysLazyLoadingTest {

  private static final List<String> FOREIGN =
      List.of(
          "io.dpsagent.hsm.pkcs11.",
          "io.dpsagent.hsm.tpm.TpmAttestor",
          "io.dpsagent.hsm.tpm.TpmConnection",
          "tss.",
          "org.bouncycastle.",
          "com.sun.jna.");

  @TempDir Path dir;

  @Test
  void aKeyFileLoadsNoOtherKeyHome() throws Exception {
    Path key = dir.resolve("device.key");
    Files.writeString(key, Base64.getEncoder().encodeToString(new byte[32]));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path log = dir.resolve("classes.log");
    Process probe =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-verbose:class",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName(),
                KeyUri.ofFile(key).toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "the probe JVM did not finish");
    List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertEquals(
        0,
        probe.exitValue(),
        String.join("\n", loaded.subList(Math.max(0, loaded.size() - 20), loaded.size())));
    assertTrue(
        loaded.stream().anyMatch(l -> l.contains("io.dpsagent.hsm.software.SoftwareSymmetricKey ")),
        "the probe did not open the key");
    assertEquals(List.of(), loaded.stream().filter(KeysLazyLoadingTest::foreign).toList());
  }

  private static boolean foreign(String line) {
    return line.startsWith("[") && FOREIGN.stream().anyMatch(p -> line.contains(" " + p));
  }

  /** Opens the key file its argument names and signs once. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      Keys.sasSigner(KeyUri.parse(args[0]), KeyOptions.defaults()).sign(new byte[1]);
    }

    private Probe() {}
  }
}
