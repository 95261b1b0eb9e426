package io.dpsagent.agent.cli;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.RegistrationId;
import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.InsecureSecretKeyAccess;
import io.dpsagent.hsm.KeyUri;
import io.dpsagent.hsm.SasSigner;
import io.dpsagent.hsm.keys.KeyOptions;
import io.dpsagent.hsm.keys.Keys;
import io.dpsagent.hsm.software.SoftwareSymmetricKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dps-agent derive-key}: the device key of an enrollment-group member, for the factory line.
 * The group key comes from standard input or a key URI, never from the command line, where any user
 * could read it in the process list.
 */
@Command(
    name = "derive-key",
    mixinStandardHelpOptions = true,
    description = {
      "Print the device key of a symmetric-key enrollment-group member.",
      "The key is HMAC-SHA256(groupKey, registrationId) in base64, as DPS expects. The group key (base64)",
      "is read from standard input unless --group-key names a key URI."
    })
final class DeriveKeyCommand extends ContextCommand {

  /** A base64 group key is under 100 characters; anything much longer is the wrong input. */
  private static final int MAX_STDIN_BYTES = 4096;

  @Option(
      names = "--registration-id",
      required = true,
      paramLabel = "ID",
      description = "the device's registration ID (hashed exactly as given)")
  String registrationId;

  @Option(
      names = "--group-key",
      paramLabel = "URI",
      description = "key URI of the group key, e.g. file:///secure/group.key (default: read stdin)")
  String groupKeyUri;

  @Override
  public Integer call() throws AgentException {
    try {
      RegistrationId.validate(registrationId);
    } catch (IllegalArgumentException e) {
      throw AgentException.config("--registration-id: " + e.getMessage());
    }
    try {
      SoftwareSymmetricKey derived =
          SoftwareSymmetricKey.deriveFromGroupKey(groupKey(), registrationId);
      // Printing the member's key is this command's job; the factory line puts it into the device.
      context.out().println(derived.exportBase64(InsecureSecretKeyAccess.get()));
      return succeeded();
    } catch (HsmException e) {
      throw AgentException.hsm(e);
    }
  }

  /**
   * The group key from a key URI (a file, or a token that derives inside), else from standard
   * input.
   */
  private SasSigner groupKey() throws AgentException, HsmException {
    if (groupKeyUri != null) {
      KeyUri uri;
      try {
        uri = KeyUri.parse(groupKeyUri);
      } catch (IllegalArgumentException e) {
        throw AgentException.config("--group-key: " + e.getMessage());
      }
      return Keys.sasSigner(uri, KeyOptions.defaults());
    }
    String text = readStdin();
    if (text.isBlank()) {
      throw AgentException.config(
          "no group key on standard input; pipe the base64 group key in or use --group-key URI");
    }
    try {
      return SoftwareSymmetricKey.ofBase64(text.strip());
    } catch (IllegalArgumentException e) {
      throw AgentException.config("standard input does not hold a base64 group key");
    }
  }

  private String readStdin() throws AgentException {
    try {
      byte[] bytes = context.in().readNBytes(MAX_STDIN_BYTES + 1);
      if (bytes.length > MAX_STDIN_BYTES) {
        throw AgentException.config(
            "standard input is longer than "
                + MAX_STDIN_BYTES
                + " bytes; expected one base64 group key");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw AgentException.config("cannot read standard input: " + e.getClass().getSimpleName());
    }
  }
}
