package io.dpsagent.hsm.testing;

import io.dpsagent.common.testing.Directories;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.pkcs11.Pkcs11Token;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real SoftHSM2 tokens for tests.
 *
 * <p>SoftHSM2 finds its token directory through {@code SOFTHSM2_CONF}, read from the process
 * environment when the library loads; a JVM cannot change its own environment. So the build gives
 * the test JVM a fixed path (surefire {@code environmentVariables}, e.g. {@code
 * ${project.build.directory}/softhsm/softhsm2.conf}), and the first use of this class in a JVM
 * writes that file and empties the token directory next to it.
 *
 * <p>SoftHSM2 also reads the token directory only once, when the library is initialised in a
 * process: a token that softhsm2-util creates later stays invisible to this JVM, and SoftHSM2
 * offers only one free slot per process. So that first use also initialises a pool of tokens
 * ({@code -Dsofthsm.tokens}, default {@value #DEFAULT_POOL}) with softhsm2-util, before any test
 * loads the library, and {@link #newToken} hands each test class its own: classes never see each
 * other's keys, and a wrong-PIN test gets a token nobody has logged in to. pkcs11-tool, started
 * from here, reads the directory afresh and sees everything.
 */
public final class SoftHsm {

  /** The SoftHSM2 PKCS#11 module (Debian/Ubuntu package softhsm2). */
  public static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

  private static final int DEFAULT_POOL = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static Path directory;
  private static final Deque<Token> POOL = new ArrayDeque<>();

  private SoftHsm() {}

  /**
   * A token of its own for the caller (one per test class), with random PINs and an owner-only PIN
   * file.
   */
  public static synchronized Token newToken() {
    directory();
    if (POOL.isEmpty()) {
      throw new IllegalStateException(
          "all SoftHSM2 tokens of this JVM are in use; raise -Dsofthsm.tokens");
    }
    return POOL.pop();
  }

  /** An initialised SoftHSM2 token. */
  public record Token(String label, String userPin, String soPin, Path pinFile) {

    /**
     * A URI for an object on this token, with the module and the owner-only PIN file, e.g. {@code
     * uri("object=device;type=private")}.
     */
    public String uri(String pathAttributes) {
      return uri(pathAttributes, MODULE, "pin-source=file:" + pinFile);
    }

    /**
     * A URI for an object on this token through {@code module}, with {@code pinAttribute} as the
     * last query attribute, e.g. {@code uri("", Pkcs11Spy.MODULE, "pin-value=" + wrongPin)}.
     */
    public String uri(String pathAttributes, String module, String pinAttribute) {
      return "pkcs11:token="
          + label
          + (pathAttributes.isEmpty() ? "" : ";" + pathAttributes)
          + "?module-path="
          + module
          + "&"
          + pinAttribute;
    }

    /** A session on this token, logged in with its PIN file. */
    public Pkcs11Token open() {
      try {
        return Pkcs11Token.open(Pkcs11Uri.parse(uri("")), null);
      } catch (HsmException e) {
        throw new IllegalStateException("cannot open SoftHSM2 token " + label, e);
      }
    }

    /** Runs pkcs11-tool logged in to this token, e.g. {@code pkcs11Tool("--list-objects")}. */
    public Result pkcs11Tool(String... args) {
      return run(pkcs11ToolCommand(MODULE, label, userPin, args));
    }
  }

  /**
   * The pkcs11-tool command line that logs in to token {@code label} of {@code module} with {@code
   * userPin} and runs {@code args}: for SoftHSM2 and for any other module a test drives.
   */
  public static List<String> pkcs11ToolCommand(
      String module, String label, String userPin, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "pkcs11-tool",
                "--module",
                module,
                "--token-label",
                label,
                "--login",
                "--pin",
                userPin));
    command.addAll(List.of(args));
    return command;
  }

  /** Exit code and merged stdout/stderr of a command. */
  public record Result(int exitCode, String output) {}

  /** Runs a command with this JVM's environment (and so its SOFTHSM2_CONF). */
  public static Result run(List<String> command) {
    return run(command, Map.of());
  }

  /** Runs a command with this JVM's environment plus {@code environment}. */
  public static Result run(List<String> command, Map<String, String> environment) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            command.get(0) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      return new Result(
          process.exitValue(),
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(command.get(0) + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The directory of SOFTHSM2_CONF, prepared once per JVM before SoftHSM2 is first loaded. */
  public static synchronized Path directory() {
    if (directory != null) {
      return directory;
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF is not set for this JVM; set it in surefire's"
              + " environmentVariables to a file under target/ (see hsm-adapters/pom.xml)");
    }
    Path confFile = Path.of(conf).toAbsolutePath();
    Path dir = confFile.getParent();
    Path tokens = dir.resolve("tokens");
    try {
      Directories.deleteTree(dir);
      Files.createDirectories(tokens);
      Files.writeString(
          confFile,
          String.join(
              "\n",
              "directories.tokendir = " + tokens,
              "objectstore.backend = file",
              "log.level = ERROR",
              "slots.removable = false",
              "slots.mechanisms = ALL",
              "library.reset_on_fork = false",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    directory = dir;
    int size = Integer.getInteger("softhsm.tokens", DEFAULT_POOL);
    for (int i = 0; i < size; i++) {
      POOL.add(initToken(dir, "test-" + i + "-" + Integer.toHexString(RANDOM.nextInt())));
    }
    return dir;
  }

  private static Token initToken(Path dir, String label) {
    String userPin = randomPin();
    String soPin = randomPin();
    Result init =
        run(
            List.of(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                soPin,
                "--pin",
                userPin));
    if (init.exitCode() != 0) {
      throw new IllegalStateException("softhsm2-util --init-token failed: " + init.output());
    }
    Path pinFile = dir.resolve("pins").resolve(label + ".pin");
    try {
      Files.createDirectories(pinFile.getParent());
      Files.writeString(pinFile, userPin + "\n");
      Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Token(label, userPin, soPin, pinFile);
  }

  /** A random PIN of eight digits. */
  public static String randomPin() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      s.append(RANDOM.nextInt(10));
    }
    return s.toString();
  }
}
