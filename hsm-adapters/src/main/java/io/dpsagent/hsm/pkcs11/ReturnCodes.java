package io.dpsagent.hsm.pkcs11;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PKCS#11 return value (e.g. {@code CKR_GENERAL_ERROR}) behind a SunPKCS11 failure, which
 * SunPKCS11 buries in a chain of its own exceptions: the words a message can show instead of the
 * chain's class names.
 */
final class ReturnCodes {

  private static final Pattern CKR = Pattern.compile("CKR_[A-Z0-9_]+");

  private ReturnCodes() {}

  /** The first return value named in {@code e}'s messages or those of its causes. */
  static Optional<String> of(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = CKR.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
  }
}
