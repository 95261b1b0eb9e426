package io.dpsagent.hsm.software;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.HsmException.Kind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads secrets from files the way ssh does: a secret readable by group or others is refused,
 * because by the time we notice, it may already have been copied.
 */
public final class KeyFiles {

  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  /** Secret files are small; a bigger one is a wrong path, not a key. */
  private static final long MAX_SECRET_FILE_BYTES = 64 * 1024;

  private KeyFiles() {}

  /** Reads a symmetric key stored as base64 text (one line, as DPS shows it). */
  public static SoftwareSymmetricKey readSymmetricKey(Path file) throws HsmException {
    String text = readSecretText(file);
    if (text.isBlank()) {
      throw new HsmException(
          Kind.KEY_SOURCE, "key file " + file + " is empty; write the base64 key into it");
    }
    try {
      return SoftwareSymmetricKey.ofBase64(text);
    } catch (IllegalArgumentException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "key file " + file + " does not hold a base64 symmetric key");
    }
  }

  /**
   * Reads a secret text file after checking that only its owner can read it.
   *
   * @throws HsmException naming the file and the fix when it is missing, unreadable, too open or
   *     too large
   */
  public static String readSecretText(Path file) throws HsmException {
    requireOwnerOnly(file);
    try {
      if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
        throw new HsmException(
            Kind.KEY_SOURCE,
            "key file "
                + file
                + " is larger than "
                + MAX_SECRET_FILE_BYTES
                + " bytes; check the path");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (AccessDeniedException e) {
      throw new HsmException(Kind.KEY_SOURCE, "key file " + file + " is not readable by this user");
    } catch (CharacterCodingException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "key file " + file + " is not UTF-8 text; check the path");
    } catch (IOException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "cannot read key file " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /** Refuses a secret file that group or others may access. */
  public static void requireOwnerOnly(Path file) throws HsmException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new HsmException(Kind.KEY_SOURCE, "key file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new HsmException(Kind.KEY_SOURCE, "key file " + file + " is not readable by this user");
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check against
    } catch (IOException e) {
      throw new HsmException(
          Kind.KEY_SOURCE, "cannot inspect key file " + file + ": " + e.getClass().getSimpleName());
    }
    if (!Files.isRegularFile(file)) {
      throw new HsmException(Kind.KEY_SOURCE, "key file " + file + " is not a regular file");
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(perms);
    open.retainAll(GROUP_OR_OTHER);
    if (!open.isEmpty()) {
      throw new HsmException(
          Kind.KEY_SOURCE,
          "key file "
              + file
              + " is accessible by group or others (mode "
              + PosixFilePermissions.toString(perms)
              + "); run: chmod 600 "
              + file);
    }
  }
}
