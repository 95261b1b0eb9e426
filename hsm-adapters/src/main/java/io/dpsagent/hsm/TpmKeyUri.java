package io.dpsagent.hsm;

import java.util.Locale;
import java.util.Optional;

/**
 * A key persisted in a TPM, written {@code tpm:handle=0x81000101}, optionally with the TPM that
 * holds it: {@code tpm:handle=0x81000101;tcti=swtpm:host=127.0.0.1,port=2321} (without {@code
 * tcti}, the configured TPM). The handle is a persistent one (0x81000000-0x81FFFFFF).
 *
 * @param handle the persistent handle
 * @param tcti the TCTI string as written, when the URI names one; parsed where the TPM is opened
 */
public record TpmKeyUri(int handle, Optional<String> tcti) {

  private static final String PREFIX = "tpm:";
  private static final String EXAMPLE = "tpm:handle=0x81000101";

  public TpmKeyUri {
    if (handle >>> 24 != 0x81) {
      throw new IllegalArgumentException(
          String.format(
              "TPM handle 0x%08X is not a persistent handle (0x81000000-0x81FFFFFF)", handle));
    }
    tcti = tcti.filter(t -> !t.isBlank());
  }

  /**
   * Parses {@code tpm:handle=H[;tcti=T]}.
   *
   * @throws IllegalArgumentException with one line naming the URI and the part that is wrong
   */
  public static TpmKeyUri parse(String text) {
    if (!text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalArgumentException(shown(text) + " is not a tpm: URI; use " + EXAMPLE);
    }
    Integer handle = null;
    String tcti = null;
    for (String part : text.substring(PREFIX.length()).split(";", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : part.substring(eq + 1).strip();
      switch (name) {
        case "handle" -> {
          requireOnce(text, name, handle);
          handle = handle(text, value);
        }
        case "tcti" -> {
          requireOnce(text, name, tcti);
          tcti = value;
        }
        default ->
            throw new IllegalArgumentException(
                "key URI "
                    + shown(text)
                    + ": unknown attribute "
                    + Printable.quote(name)
                    + "; use "
                    + EXAMPLE
                    + "[;tcti=...]");
      }
    }
    if (handle == null) {
      throw new IllegalArgumentException(
          "key URI " + shown(text) + " names no handle; use " + EXAMPLE);
    }
    return new TpmKeyUri(handle, Optional.ofNullable(tcti));
  }

  /** Parses a persistent handle written in hex ({@code 0x81000101}), as for {@code --handle}. */
  public static int parseHandle(String value) {
    return handle(value, value);
  }

  private static int handle(String text, String value) {
    String digits = value.regionMatches(true, 0, "0x", 0, 2) ? value.substring(2) : null;
    int handle;
    try {
      if (digits == null || digits.isEmpty() || digits.length() > 8) {
        throw new NumberFormatException();
      }
      handle = Integer.parseUnsignedInt(digits, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          (text.equals(value) ? "" : "key URI " + shown(text) + ": ")
              + "handle "
              + Printable.quote(value)
              + " is not a hex persistent handle such as 0x81000101");
    }
    if (handle >>> 24 != 0x81) {
      throw new IllegalArgumentException(
          (text.equals(value) ? "" : "key URI " + shown(text) + ": ")
              + String.format(
                  "handle 0x%08X is not a persistent handle (0x81000000-0x81FFFFFF)", handle));
    }
    return handle;
  }

  private static void requireOnce(String text, String name, Object seen) {
    if (seen != null) {
      throw new IllegalArgumentException(
          "key URI " + shown(text) + " names " + name + " more than once");
    }
  }

  private static String shown(String text) {
    return Printable.quote(text);
  }

  /** The same TPM, naming the key persisted at {@code otherHandle}. */
  public TpmKeyUri withHandle(int otherHandle) {
    return new TpmKeyUri(otherHandle, tcti);
  }

  /** The URI as written canonically: {@code tpm:handle=0x81000101[;tcti=...]}. */
  @Override
  public String toString() {
    return String.format("tpm:handle=0x%08X", handle) + tcti.map(t -> ";tcti=" + t).orElse("");
  }
}
