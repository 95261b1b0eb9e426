package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.TpmAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.TpmConfig;
import io.dpsagent.hsm.TpmKeyUri;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.nio.file.Files;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The persistent handle of a TPM signing key and the TPM that holds it ({@code [tpm]} of {@code
 * --config} when the file exists, else the kernel's resource manager with the default handles),
 * shared by {@code tpm keygen} and {@code tpm csr}.
 */
final class TpmKeyTarget {

  @Option(
      names = "--handle",
      required = true,
      paramLabel = "HANDLE",
      description = "persistent handle of the key, e.g. 0x81000101")
  String handle;

  @Mixin ConfigOption config;

  /** The TPM, its handles and how long to wait for it. */
  record Tpm(TpmConfig config, TpmTimeouts timeouts) {}

  int handle() throws AgentException {
    try {
      return TpmKeyUri.parseHandle(handle.strip());
    } catch (IllegalArgumentException e) {
      throw AgentException.config("--handle: " + e.getMessage());
    }
  }

  Tpm tpm(Main.Context context) throws AgentException {
    if (!Files.isRegularFile(config.file)) {
      return new Tpm(
          TpmConfig.defaults(), TpmTimeouts.defaults().stoppingWhen(context.signals()::isStopped));
    }
    AgentConfig loaded = config.load(context.environment());
    return new Tpm(
        loaded.tpm(),
        TpmAuthentication.runTimeouts(loaded.provisioning().retry(), context.signals()::isStopped));
  }
}
