package io.dpsagent.e2e;

import io.dpsagent.hsm.testing.SoftHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A PIN file other than the token's own, for the ways a device's PIN file can be wrong. */
final class PinFile {

  private PinFile() {}

  /**
   * Writes {@code pin} to {@code file} with {@code mode} ({@code rw-------}) and returns the URI of
   * {@code attributes} in {@code token} that reads its PIN from there.
   */
  static String keyUri(SoftHsm.Token token, String attributes, Path file, String pin, String mode)
      throws IOException {
    Files.writeString(file, pin);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return token
        .uri(attributes)
        .replace("pin-source=file:" + token.pinFile(), "pin-source=file:" + file);
  }
}
