package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.output.OutputWriter;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmInventory;
import io.dpsagent.hsm.tpm.TpmSettings;
import io.dpsagent.hsm.tpm.TpmTimeouts;
import java.nio.file.Files;
import java.time.Duration;

/**
 * {@code tpm}: the TPM answers at the configured TCTI, the EK and SRK are persisted (the EK is what
 * the enrollment names), and once the device is provisioned, the identity key DPS sent is persisted
 * at the identity handle. Reads only: a missing key is reported, not created.
 */
final class TpmCheck extends NamedCheck {

  static final String ID = "tpm";

  private final AgentConfig config;
  private final Duration timeout;

  TpmCheck(AgentConfig config, Duration timeout) {
    super(ID);
    this.config = config;
    this.timeout = timeout;
  }

  static boolean relevant(AgentConfig config) {
    return config.provisioning().attestation() instanceof TpmAttestation;
  }

  @Override
  public Verdict run() {
    TctiSpec tcti = config.tpm().tcti();
    TpmSettings handles = config.tpm().settings();
    TpmInventory tpm;
    try {
      tpm = TpmInventory.read(tcti, handles, TpmTimeouts.of(timeout, timeout));
    } catch (HsmException e) {
      return Verdict.error(
          AgentException.hsm(e).kind(),
          e.getMessage(),
          e.kind() == HsmException.Kind.UNAVAILABLE
              ? unreachableFix(tcti)
              : "check the TPM with tpm2_getcap properties-fixed -T " + tcti + "; see docs/tpm.md");
    }
    String at = "TPM at " + tcti;
    if (tpm.endorsementKey().isEmpty() || !tpm.storageRootKeyPresent()) {
      return Verdict.warning(
          at
              + " has no "
              + (tpm.endorsementKey().isEmpty()
                  ? "endorsement key at " + hex(handles.endorsementKeyHandle())
                  : "storage root key at " + hex(handles.storageRootKeyHandle())),
          "run dps-agent tpm identity once: it creates and persists the EK and SRK from the standard templates;"
              + " enroll the EK it prints");
    }
    String keys =
        at
            + ": EK "
            + hex(handles.endorsementKeyHandle())
            + " (registration ID "
            + tpm.registrationId().orElseThrow()
            + "), SRK "
            + hex(handles.storageRootKeyHandle());
    String identity = hex(handles.identityKeyHandle());
    if (tpm.identityKeyType().isPresent() && !tpm.identityKeyUsable()) {
      return Verdict.error(
          AgentException.Kind.HSM,
          keys
              + "; the key at "
              + identity
              + " is a "
              + tpm.identityKeyType().get()
              + " key, not a DPS identity key",
          "evict it (tpm2_evictcontrol -C o -c "
              + identity
              + ") or choose a free tpm.auth_key_index");
    }
    if (tpm.identityKeyType().isPresent()) {
      return Verdict.ok(keys + ", identity key " + identity + " persisted");
    }
    if (Files.exists(config.output().dir().resolve(OutputWriter.CONNECTION_JSON))) {
      return Verdict.error(
          AgentException.Kind.HSM,
          keys
              + "; the device is provisioned but no identity key is"
              + " persisted at "
              + identity
              + " (was the TPM cleared?)",
          "run dps-agent provision again: DPS sends the identity key at every registration");
    }
    return Verdict.ok(
        keys + "; no identity key at " + identity + " yet: the first provisioning stores it");
  }

  static String unreachableFix(TctiSpec tcti) {
    return tcti.kind() == TctiSpec.Kind.DEVICE
        ? "check that the TPM is enabled in the firmware and its driver loaded (ls -l "
            + tcti.path()
            + "), or correct tpm.tcti"
        : "start the TPM simulator at " + tcti.host() + ":" + tcti.port() + ", or correct tpm.tcti";
  }

  private static String hex(int handle) {
    return String.format("0x%08X", handle);
  }
}
