package io.dpsagent.emulator.tpm;

import io.dpsagent.common.testing.SwtpmProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * tpm2-tools driving a fresh swtpm (TPM 2.0 simulator), with a work directory for their files.
 * Every command runs with a timeout; {@link #close()} shuts the simulator down.
 *
 * <p>swtpm serves one client at a time and has no resource manager, so commands run one after the
 * other and transient objects are flushed explicitly.
 */
public final class Tpm2Tools implements AutoCloseable {

  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  // tpm2-tools' credential file: magic 0xBADCC0DE, version 1, then the two TPM2Bs.
  private static final byte[] CREDENTIAL_FILE_HEADER = {
    (byte) 0xBA, (byte) 0xDC, (byte) 0xC0, (byte) 0xDE, 0, 0, 0, 1
  };

  private final SwtpmProcess swtpm;
  private final Path directory;

  private Tpm2Tools(SwtpmProcess swtpm, Path directory) {
    this.swtpm = swtpm;
    this.directory = directory;
  }

  /** Starts swtpm; returns once it listens. */
  public static Tpm2Tools start() throws IOException {
    SwtpmProcess swtpm = SwtpmProcess.start();
    try {
      return new Tpm2Tools(swtpm, Files.createTempDirectory("tpm2-tools"));
    } catch (IOException e) {
      swtpm.close();
      throw e;
    }
  }

  /**
   * Creates the EK (TCG default RSA-2048 template, persisted at 0x81010001) and the SRK (the DPS
   * clients' template, persisted at 0x81000001), as a DPS device does on first use.
   */
  public void createEndorsementAndStorageRootKeys() throws IOException, InterruptedException {
    tpm2("tpm2_createek", "-c", "0x81010001", "-G", "rsa", "-u", file("ek-created.pub"));
    tpm2(
        "tpm2_createprimary",
        "-C",
        "o",
        "-g",
        "sha256",
        "-G",
        "rsa2048:aes128cfb",
        "-a",
        "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt",
        "-c",
        file("srk.ctx"));
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", file("srk.ctx"), "0x81000001");
    tpm2("tpm2_flushcontext", "-t");
  }

  /** {@code tpm2_readpublic -o}: the marshalled TPM2B_PUBLIC a device sends. */
  public byte[] readPublic(String handle) throws IOException, InterruptedException {
    Path out = directory.resolve("readpublic.pub");
    tpm2("tpm2_readpublic", "-c", handle, "-o", out.toString());
    return Files.readAllBytes(out);
  }

  /**
   * Runs the device side of DPS key activation on {@code blob} (the decoded authenticationKey):
   * ActivateCredential with the EK under a PolicySecret(endorsement) session, Import and Load under
   * the SRK, and persist the key at 0x81000100, replacing an older one.
   */
  public void importActivationBlob(byte[] blob) throws IOException, InterruptedException {
    List<byte[]> items = BlobItems.split(blob);
    Files.write(
        path("cred.blob"), BlobItems.concat(CREDENTIAL_FILE_HEADER, items.get(0), items.get(1)));
    Files.write(path("dup.bin"), items.get(2));
    Files.write(path("seed.bin"), items.get(3));
    Files.write(path("id.pub"), items.get(4));
    tpm2("tpm2_startauthsession", "--policy-session", "-S", file("session.ctx"));
    tpm2("tpm2_policysecret", "-S", file("session.ctx"), "-c", "e");
    tpm2(
        "tpm2_activatecredential",
        "-c",
        "0x81000001",
        "-C",
        "0x81010001",
        "-i",
        file("cred.blob"),
        "-o",
        file("inner.key"),
        "-P",
        "session:" + file("session.ctx"));
    tpm2("tpm2_flushcontext", file("session.ctx"));
    tpm2(
        "tpm2_import",
        "-C",
        "0x81000001",
        "-G",
        "keyedhash",
        "-i",
        file("dup.bin"),
        "-s",
        file("seed.bin"),
        "-u",
        file("id.pub"),
        "-k",
        file("inner.key"),
        "-r",
        file("id.priv"));
    tpm2(
        "tpm2_load",
        "-C",
        "0x81000001",
        "-u",
        file("id.pub"),
        "-r",
        file("id.priv"),
        "-c",
        file("id.ctx"));
    tpm2Tolerant("tpm2_evictcontrol", "-C", "o", "-c", "0x81000100");
    tpm2("tpm2_evictcontrol", "-C", "o", "-c", file("id.ctx"), "0x81000100");
    tpm2("tpm2_flushcontext", "-t");
  }

  /** The 16-byte inner wrapper key the last {@link #importActivationBlob} recovered. */
  public byte[] lastInnerKey() throws IOException {
    return Files.readAllBytes(path("inner.key"));
  }

  /** {@code TPM2_HMAC} with the imported key at 0x81000100. */
  public byte[] hmac(byte[] data) throws IOException, InterruptedException {
    Files.write(path("hmac.in"), data);
    tpm2("tpm2_hmac", "-c", "0x81000100", "-g", "sha256", "-o", file("hmac.out"), file("hmac.in"));
    return Files.readAllBytes(path("hmac.out"));
  }

  /** Runs a tpm2-tools command against this simulator; fails unless it exits 0. */
  public String tpm2(String... command) throws IOException, InterruptedException {
    return exec(List.of(command));
  }

  private void tpm2Tolerant(String... command) throws IOException, InterruptedException {
    run(List.of(command));
  }

  @Override
  public void close() throws IOException {
    swtpm.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // The tpm2-tools swtpm TCTI finds the control port at the data port + 1, as SwtpmProcess binds
  // it.
  private String tcti() {
    return "swtpm:host=127.0.0.1,port=" + swtpm.port();
  }

  private Path path(String name) {
    return directory.resolve(name);
  }

  private String file(String name) {
    return path(name).toString();
  }

  private String exec(List<String> command) throws IOException, InterruptedException {
    Result result = run(command);
    if (result.exitCode != 0) {
      throw new IOException(
          String.join(" ", command) + " exited " + result.exitCode + ": " + result.output);
    }
    return result.output;
  }

  private record Result(int exitCode, String output) {}

  private Result run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    builder.redirectOutput(path("command.out").toFile());
    builder.environment().put("TPM2TOOLS_TCTI", tcti());
    Process process = builder.start();
    if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IOException(String.join(" ", command) + " timed out");
    }
    String output = Files.readString(path("command.out"), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), output);
  }

  @Override
  public String toString() {
    return "Tpm2Tools[" + swtpm + "]";
  }
}
