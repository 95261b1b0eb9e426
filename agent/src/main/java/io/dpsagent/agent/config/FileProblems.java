package io.dpsagent.agent.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says in words why a file could not be read, for error lines that name the file: the JDK's
 * exceptions carry a class name and the path, which the caller already shows.
 */
public final class FileProblems {

  private FileProblems() {}

  /**
   * "permission denied", "does not exist", "is a directory", "is not UTF-8 text", or the system's
   * reason.
   */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied; check the file's owner and mode";
    }
    if (e instanceof NotDirectoryException) {
      return "a part of the path is not a directory";
    }
    if (e instanceof CharacterCodingException) {
      return "it is not UTF-8 text";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return reason(fs.getReason());
    }
    return e.getMessage() == null ? "read error" : reason(e.getMessage());
  }

  private static String reason(String systemReason) {
    return systemReason.equals("Is a directory") ? "it is a directory, not a file" : systemReason;
  }
}
