package io.dpsagent.e2e;

import io.dpsagent.hsm.testing.SoftHsm;
import io.dpsagent.hsm.testing.Swtpm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A tpm2-pkcs11 token (Debian packages libtpm2-pkcs11-1, libtpm2-pkcs11-tools) whose keys live in a
 * private swtpm, made with {@code tpm2_ptool}: a store, one token labelled {@value #LABEL} with
 * random PINs, and an owner-only PIN file.
 *
 * <p>swtpm has no resource manager, and tpm2_ptool's steps (tpm2-tools underneath) leave transient
 * objects loaded: libtpms has three slots, so {@code tpm2_ptool addtoken} alone ends in
 * TPM_RC_OBJECT_MEMORY, and every agent process leaves one more behind (SunPKCS11 never finalises
 * the module). A device reaches its TPM through the kernel's resource manager, {@code /dev/tpmrm0};
 * here tpm2-abrmd on a D-Bus session bus of its own plays that part.
 *
 * <p>The module reads its store and TCTI from the environment when it loads, and a JVM cannot
 * change its own: the agent runs in a process of its own with {@link #environment()}.
 */
final class Tpm2Pkcs11Token implements AutoCloseable {

  /** The tpm2-pkcs11 module (Debian package libtpm2-pkcs11-1). */
  static final String MODULE = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";

  static final String LABEL = "dps";
  private static final String BUS_NAME = "io.dpsagent.test.Tabrmd";

  private final Path directory;
  private final Swtpm swtpm;
  private final List<Process> daemons = new ArrayList<>();
  private final String busAddress;
  private final String userPin = SoftHsm.randomPin();
  private final Path pinFile;

  private Tpm2Pkcs11Token(Path directory) {
    this.directory = directory;
    this.busAddress = "unix:path=" + directory.resolve("bus");
    this.pinFile = directory.resolve("user.pin");
    this.swtpm = Swtpm.start();
  }

  /** swtpm, a bus, tpm2-abrmd, the store and the token; everything is gone after close. */
  static Tpm2Pkcs11Token start() throws IOException, InterruptedException {
    Tpm2Pkcs11Token token = new Tpm2Pkcs11Token(Files.createTempDirectory("tpm2-pkcs11-test"));
    try {
      token.startResourceManager();
      token.createToken();
      return token;
    } catch (IOException | InterruptedException | RuntimeException e) {
      token.close();
      throw e;
    }
  }

  private void startResourceManager() throws IOException, InterruptedException {
    daemons.add(
        daemon("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + busAddress));
    awaitSuccess(List.of("test", "-S", directory.resolve("bus").toString()), "the D-Bus socket");
    List<String> abrmd = new ArrayList<>(List.of("tpm2-abrmd", "--session", "--flush-all"));
    if ("root".equals(System.getProperty("user.name"))) {
      abrmd.add("--allow-root");
    }
    abrmd.add("--dbus-name=" + BUS_NAME);
    abrmd.add("--tcti=swtpm:host=127.0.0.1,port=" + swtpm.port());
    daemons.add(daemon(abrmd.toArray(String[]::new)));
    awaitSuccess(List.of("tpm2_getrandom", "-T", tcti(), "8"), "tpm2-abrmd");
  }

  private void createToken() throws IOException {
    Files.createDirectories(store());
    ptool("init");
    String soPin = SoftHsm.randomPin();
    ptool("addtoken", "--pid=1", "--label=" + LABEL, "--sopin=" + soPin, "--userpin=" + userPin);
    Files.writeString(pinFile, userPin + "\n");
    Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * What the agent's process needs to find the store and the TPM; tpm2_ptool's steps run
   * tpm2-tools, which read their own variable.
   */
  Map<String, String> environment() {
    return Map.of(
        "TPM2_PKCS11_STORE", store().toString(),
        "TPM2_PKCS11_TCTI", tcti(),
        "TPM2TOOLS_TCTI", tcti(),
        "DBUS_SESSION_BUS_ADDRESS", busAddress);
  }

  /** A URI for an object on the token, with the module and the PIN file. */
  String uri(String pathAttributes) {
    return "pkcs11:token="
        + LABEL
        + ";"
        + pathAttributes
        + "?module-path="
        + MODULE
        + "&pin-source=file:"
        + pinFile;
  }

  /** tpm2_ptool on this store; {@code --userpin} is added where a command takes one. */
  SoftHsm.Result ptool(String command, String... args) {
    List<String> line = new ArrayList<>(List.of("tpm2_ptool", command));
    line.addAll(List.of(args));
    if (List.of("addkey", "import").contains(command)) {
      line.add("--userpin=" + userPin);
    }
    SoftHsm.Result result = SoftHsm.run(line, environment());
    if (result.exitCode() != 0) {
      throw new IllegalStateException("tpm2_ptool " + command + " failed: " + result.output());
    }
    return result;
  }

  /** pkcs11-tool logged in to the token through tpm2-pkcs11. */
  SoftHsm.Result pkcs11Tool(String... args) {
    return SoftHsm.run(SoftHsm.pkcs11ToolCommand(MODULE, LABEL, userPin, args), environment());
  }

  /** The EC public key stored next to the private key {@code label}, as the token gives it. */
  PublicKey ecPublicKey(String label) throws Exception {
    Path der = Files.createTempFile(directory, "pub-", ".der");
    SoftHsm.Result read =
        pkcs11Tool(
            "--read-object", "--type", "pubkey", "--label", label, "--output-file", der.toString());
    if (read.exitCode() != 0) {
      throw new IllegalStateException("cannot read the public key " + label + ": " + read.output());
    }
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
  }

  /** A file for material tpm2_ptool reads (it takes keys only from files), owner-only. */
  Path privateFile(String name, byte[] content) throws IOException {
    Path file = directory.resolve(name);
    Files.write(file, new byte[0]);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.write(file, content);
    return file;
  }

  String userPin() {
    return userPin;
  }

  private Path store() {
    return directory.resolve("store");
  }

  private static String tcti() {
    return "tabrmd:bus_type=session,bus_name=" + BUS_NAME;
  }

  private Process daemon(String... command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve(Path.of(command[0]).getFileName() + ".log").toFile());
    builder.environment().put("DBUS_SESSION_BUS_ADDRESS", busAddress);
    return builder.start();
  }

  /** Runs {@code probe} until it succeeds: at most 100 times, 100 ms apart. */
  private void awaitSuccess(List<String> probe, String what) throws InterruptedException {
    String last = "";
    for (int attempt = 0; attempt < 100; attempt++) {
      SoftHsm.Result result = SoftHsm.run(probe, environment());
      if (result.exitCode() == 0) {
        return;
      }
      last = result.output();
      for (Process daemon : daemons) {
        if (!daemon.isAlive()) {
          throw new IllegalStateException(what + " is not running; see " + directory + ": " + last);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(what + " did not come up in 10 s: " + last);
  }

  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) { // tpm2-abrmd first, then its bus
      Process daemon = daemons.get(i);
      daemon.destroy();
      try {
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    swtpm.close();
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
