package io.dpsagent.emulator.registry;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** ID scopes: the value that selects one DPS instance behind a shared device endpoint. */
public final class IdScopes {

  // Real scopes are "0ne" + 8 hex digits; other alphanumeric values are allowed so that tests
  // can use readable names.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private IdScopes() {}

  /** A fresh scope shaped like the real ones: {@code 0ne} and eight upper-case hex digits. */
  public static String generate() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return "0ne" + HexFormat.of().withUpperCase().formatHex(bytes);
  }

  public static boolean isValid(String idScope) {
    return idScope != null && VALID.matcher(idScope).matches();
  }
}
