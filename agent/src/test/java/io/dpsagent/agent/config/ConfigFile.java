package io.dpsagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import io.dpsagent.common.testing.Directories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code config.toml} of one test, in a temporary directory made before each test and deleted
 * after it: writes the TOML the test shows and loads it as the agent does. Its string form is the
 * file's path, as errors name it. A test class holds one as an instance {@code @RegisterExtension}.
 */
final class ConfigFile implements BeforeEachCallback, AfterEachCallback {

  /** The {@code [provisioning]} table of {@link #MINIMAL}: the ID scope of a DPS instance. */
  static final String SCOPE =
      """
      [provisioning]
      id_scope = "0ne00000042"
      """;

  /** The attestation table of {@link #MINIMAL}: a device with its own symmetric key. */
  static final String SYMMETRIC_KEY =
      """
      [provisioning.attestation]
      method = "symmetric_key"
      registration_id = "gw-0042"
      symmetric_key = { uri = "file:///etc/dps-agent/device.key" }
      """;

  /** The least a config must say. */
  static final String MINIMAL = SCOPE + SYMMETRIC_KEY;

  /** The start of an X.509 device's config: its identity files are for the test to add. */
  static final String X509 =
      SCOPE
          + """
          [provisioning.attestation]
          method = "x509"
          """;

  /** {@link #MINIMAL} with {@code lines} added to its {@code [provisioning]} table. */
  static String withProvisioning(String... lines) {
    return SCOPE + String.join("\n", lines) + "\n" + SYMMETRIC_KEY;
  }

  /** {@link #MINIMAL} with one of its lines, {@code line}, written as {@code replacement}. */
  static String minimalWith(String line, String replacement) {
    if (!MINIMAL.contains(line + "\n")) {
      throw new IllegalArgumentException("MINIMAL has no line " + line);
    }
    return MINIMAL.replace(line + "\n", replacement + "\n");
  }

  private Path path;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    path = Files.createTempDirectory("dps-agent-config").resolve("config.toml");
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    Directories.deleteTree(dir());
  }

  Path path() {
    return path;
  }

  /** The directory that holds the file (and its {@code config.d} drop-ins). */
  Path dir() {
    return path.getParent();
  }

  /** A file or directory named {@code name} next to the config file. */
  Path beside(String name) {
    return dir().resolve(name);
  }

  AgentConfig load(String toml) throws IOException, AgentException {
    return load(toml, Map.of());
  }

  AgentConfig load(String toml, Map<String, String> environment)
      throws IOException, AgentException {
    Files.writeString(path, toml);
    return new ConfigLoader(environment).load(path);
  }

  /** The message of the config error that loading {@code toml} must end in. */
  String error(String toml) {
    return failure(toml.getBytes(StandardCharsets.UTF_8), Map.of()).getMessage();
  }

  /** {@link #error}, without the {@code config <file>: } every config error starts with. */
  String keyError(String toml) {
    return error(toml).replace("config " + path + ": ", "");
  }

  /** Loads {@code toml} (any bytes) and asserts that it fails as a config error. */
  AgentException failure(byte[] toml, Map<String, String> environment) {
    AgentException e =
        assertThrows(
            AgentException.class,
            () -> {
              Files.write(path, toml);
              new ConfigLoader(environment).load(path);
            });
    assertEquals(AgentException.Kind.CONFIG, e.kind(), e.getMessage());
    return e;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
