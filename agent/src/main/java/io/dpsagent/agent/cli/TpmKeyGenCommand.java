package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.TpmKeyUri;
import io.dpsagent.hsm.tpm.TpmKeyType;
import io.dpsagent.hsm.tpm.TpmSigningKey;
import io.dpsagent.hsm.tpm.TpmSigningKeys;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dps-agent tpm keygen}: the factory step that creates the device's X.509 key inside the TPM
 * (under the SRK, non-duplicable) and persists it; prints its attributes and public key.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description =
        "Create a signing key under the SRK and persist it at --handle; print its public key.")
final class TpmKeyGenCommand extends ContextCommand {

  @Mixin TpmKeyTarget target;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "ecc-p256 or rsa-2048 (default: ${DEFAULT-VALUE})")
  String type = TpmKeyType.ECC_P256.toString();

  @Override
  public Integer call() throws AgentException {
    int handle = target.handle();
    TpmKeyType keyType = keyType();
    TpmKeyTarget.Tpm tpm = target.tpm(context);
    TpmSigningKey key;
    try {
      key =
          TpmSigningKeys.create(
              tpm.config().tcti(), tpm.config().settings(), tpm.timeouts(), handle, keyType);
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
    context
        .out()
        .println(
            "persisted " + keyType + " signing key " + new TpmKeyUri(handle, Optional.empty()));
    context.out().println("attributes: " + String.join("|", key.attributes()));
    context.out().println("-----BEGIN PUBLIC KEY-----");
    context
        .out()
        .println(
            Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.publicKey().getEncoded()));
    context.out().println("-----END PUBLIC KEY-----");
    return succeeded();
  }

  private TpmKeyType keyType() throws AgentException {
    try {
      return TpmKeyType.parse(type);
    } catch (IllegalArgumentException e) {
      throw AgentException.config("--type: " + e.getMessage());
    }
  }
}
