package io.dpsagent.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.attestation.TpmAuthentication;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.agent.json.JsonTrees;
import io.dpsagent.hsm.Attestor;
import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dps-agent tpm}: the TPM as DPS sees it. */
@Command(
    name = "tpm",
    mixinStandardHelpOptions = true,
    description = "TPM commands.",
    subcommands = {TpmCommand.Identity.class, TpmKeyGenCommand.class, TpmCsrCommand.class})
final class TpmCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw GroupCommand.missingSubcommand(spec);
  }

  /**
   * {@code dps-agent tpm identity}: what a factory needs to create the individual enrollment. The
   * EK and SRK are created and persisted if the TPM has none, as a first provisioning would.
   */
  @Command(
      name = "identity",
      mixinStandardHelpOptions = true,
      description =
          "Print the registration ID, the EK and SRK publics (base64 TPM2B_PUBLIC) and the EK certificate.")
  static final class Identity extends ConfiguredCommand {

    @Option(names = "--json", description = "print one JSON document")
    boolean json;

    @Override
    public Integer call() throws AgentException, IOException {
      AgentConfig loaded = loadConfig();
      try (Attestor tpm =
          TpmAuthentication.open(
              loaded.tpm(),
              TpmAuthentication.runTimeouts(
                  loaded.provisioning().retry(), context.signals()::isStopped))) {
        Base64.Encoder base64 = Base64.getEncoder();
        String registrationId = configuredRegistrationId(loaded).orElse(tpm.registrationId());
        Optional<byte[]> certificate = tpm.endorsementCertificate();
        if (json) {
          ObjectNode root =
              JsonNodeFactory.instance
                  .objectNode()
                  .put("registrationId", registrationId)
                  .put("endorsementKey", base64.encodeToString(tpm.endorsementKey()))
                  .put("storageRootKey", base64.encodeToString(tpm.storageRootKey()));
          root.put("endorsementCertificate", certificate.map(base64::encodeToString).orElse(null));
          context.out().println(JsonTrees.write(root));
        } else {
          context.out().println("registration ID:   " + registrationId);
          context
              .out()
              .println("endorsement key:   " + base64.encodeToString(tpm.endorsementKey()));
          context
              .out()
              .println("storage root key:  " + base64.encodeToString(tpm.storageRootKey()));
          context
              .out()
              .println(
                  "EK certificate:    "
                      + certificate
                          .map(
                              c ->
                                  "-----BEGIN CERTIFICATE-----\n"
                                      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c)
                                      + "\n-----END CERTIFICATE-----")
                          .orElse("(none in NV)"));
        }
        return succeeded();
      } catch (HsmException e) {
        throw AgentException.hsm(e);
      }
    }

    private static Optional<String> configuredRegistrationId(AgentConfig config) {
      return config.provisioning().attestation() instanceof TpmAttestation tpm
          ? tpm.registrationId()
          : Optional.empty();
    }
  }
}
