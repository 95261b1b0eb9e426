package io.dpsagent.hsm.tpm;

import java.util.Map;

/**
 * A decoded TPM 2.0 response code (TPM 2.0 Part 2, "TPM_RC"): its name, the handle, session or
 * parameter it refers to, and what an operator can do about it.
 *
 * <p>TSS.Java's own {@code TPM_RC} cannot tell {@code TPM_RC_INITIALIZE} from {@code RC_VER1} and
 * prints ambiguous values as {@code {_1}}, so the codes are decoded here from the raw value.
 */
public record TpmResponseCode(int raw) {

  /** What kind of trouble a response code means; drives the hint shown to operators. */
  public enum Category {
    /** Dictionary-attack lockout: further authorizations are refused for a while. */
    LOCKOUT,
    /** The TPM is busy (retry, yielded, self-testing, NV rate limit): trying later can succeed. */
    BUSY,
    /** The handle names no loaded or persistent object. */
    HANDLE,
    /** A password or policy authorization was wrong. */
    AUTH,
    /** The TPM has no room for another object or session. */
    MEMORY,
    /** Imported or activated data does not belong to this TPM's keys or was altered. */
    INTEGRITY,
    /** Anything else. */
    OTHER
  }

  private static final int RC_VER1 = 0x100;
  private static final int RC_FMT1 = 0x080;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0x000, "TPM_RC_SUCCESS"),
          Map.entry(0x100, "TPM_RC_INITIALIZE"),
          Map.entry(0x101, "TPM_RC_FAILURE"),
          Map.entry(0x103, "TPM_RC_SEQUENCE"),
          Map.entry(0x10B, "TPM_RC_PRIVATE"),
          Map.entry(0x119, "TPM_RC_HMAC"),
          Map.entry(0x120, "TPM_RC_DISABLED"),
          Map.entry(0x121, "TPM_RC_EXCLUSIVE"),
          Map.entry(0x124, "TPM_RC_AUTH_TYPE"),
          Map.entry(0x125, "TPM_RC_AUTH_MISSING"),
          Map.entry(0x126, "TPM_RC_POLICY"),
          Map.entry(0x127, "TPM_RC_PCR"),
          Map.entry(0x128, "TPM_RC_PCR_CHANGED"),
          Map.entry(0x12D, "TPM_RC_UPGRADE"),
          Map.entry(0x12E, "TPM_RC_TOO_MANY_CONTEXTS"),
          Map.entry(0x12F, "TPM_RC_AUTH_UNAVAILABLE"),
          Map.entry(0x130, "TPM_RC_REBOOT"),
          Map.entry(0x131, "TPM_RC_UNBALANCED"),
          Map.entry(0x142, "TPM_RC_COMMAND_SIZE"),
          Map.entry(0x143, "TPM_RC_COMMAND_CODE"),
          Map.entry(0x144, "TPM_RC_AUTHSIZE"),
          Map.entry(0x145, "TPM_RC_AUTH_CONTEXT"),
          Map.entry(0x146, "TPM_RC_NV_RANGE"),
          Map.entry(0x147, "TPM_RC_NV_SIZE"),
          Map.entry(0x148, "TPM_RC_NV_LOCKED"),
          Map.entry(0x149, "TPM_RC_NV_AUTHORIZATION"),
          Map.entry(0x14A, "TPM_RC_NV_UNINITIALIZED"),
          Map.entry(0x14B, "TPM_RC_NV_SPACE"),
          Map.entry(0x14C, "TPM_RC_NV_DEFINED"),
          Map.entry(0x150, "TPM_RC_BAD_CONTEXT"),
          Map.entry(0x151, "TPM_RC_CPHASH"),
          Map.entry(0x152, "TPM_RC_PARENT"),
          Map.entry(0x153, "TPM_RC_NEEDS_TEST"),
          Map.entry(0x154, "TPM_RC_NO_RESULT"),
          Map.entry(0x155, "TPM_RC_SENSITIVE"),
          Map.entry(0x081, "TPM_RC_ASYMMETRIC"),
          Map.entry(0x082, "TPM_RC_ATTRIBUTES"),
          Map.entry(0x083, "TPM_RC_HASH"),
          Map.entry(0x084, "TPM_RC_VALUE"),
          Map.entry(0x085, "TPM_RC_HIERARCHY"),
          Map.entry(0x087, "TPM_RC_KEY_SIZE"),
          Map.entry(0x088, "TPM_RC_MGF"),
          Map.entry(0x089, "TPM_RC_MODE"),
          Map.entry(0x08A, "TPM_RC_TYPE"),
          Map.entry(0x08B, "TPM_RC_HANDLE"),
          Map.entry(0x08C, "TPM_RC_KDF"),
          Map.entry(0x08D, "TPM_RC_RANGE"),
          Map.entry(0x08E, "TPM_RC_AUTH_FAIL"),
          Map.entry(0x08F, "TPM_RC_NONCE"),
          Map.entry(0x090, "TPM_RC_PP"),
          Map.entry(0x092, "TPM_RC_SCHEME"),
          Map.entry(0x095, "TPM_RC_SIZE"),
          Map.entry(0x096, "TPM_RC_SYMMETRIC"),
          Map.entry(0x097, "TPM_RC_TAG"),
          Map.entry(0x098, "TPM_RC_SELECTOR"),
          Map.entry(0x09A, "TPM_RC_INSUFFICIENT"),
          Map.entry(0x09B, "TPM_RC_SIGNATURE"),
          Map.entry(0x09C, "TPM_RC_KEY"),
          Map.entry(0x09D, "TPM_RC_POLICY_FAIL"),
          Map.entry(0x09F, "TPM_RC_INTEGRITY"),
          Map.entry(0x0A0, "TPM_RC_TICKET"),
          Map.entry(0x0A1, "TPM_RC_RESERVED_BITS"),
          Map.entry(0x0A2, "TPM_RC_BAD_AUTH"),
          Map.entry(0x0A3, "TPM_RC_EXPIRED"),
          Map.entry(0x0A4, "TPM_RC_POLICY_CC"),
          Map.entry(0x0A5, "TPM_RC_BINDING"),
          Map.entry(0x0A6, "TPM_RC_CURVE"),
          Map.entry(0x0A7, "TPM_RC_ECC_POINT"),
          Map.entry(0x901, "TPM_RC_CONTEXT_GAP"),
          Map.entry(0x902, "TPM_RC_OBJECT_MEMORY"),
          Map.entry(0x903, "TPM_RC_SESSION_MEMORY"),
          Map.entry(0x904, "TPM_RC_MEMORY"),
          Map.entry(0x905, "TPM_RC_SESSION_HANDLES"),
          Map.entry(0x906, "TPM_RC_OBJECT_HANDLES"),
          Map.entry(0x907, "TPM_RC_LOCALITY"),
          Map.entry(0x908, "TPM_RC_YIELDED"),
          Map.entry(0x909, "TPM_RC_CANCELED"),
          Map.entry(0x90A, "TPM_RC_TESTING"),
          Map.entry(0x920, "TPM_RC_NV_RATE"),
          Map.entry(0x921, "TPM_RC_LOCKOUT"),
          Map.entry(0x922, "TPM_RC_RETRY"),
          Map.entry(0x923, "TPM_RC_NV_UNAVAILABLE"));

  public static final int SUCCESS = 0x000;
  public static final int INITIALIZE = 0x100;
  public static final int HANDLE = 0x08B;
  public static final int BINDING = 0x0A5;

  /** True for format-one codes, which carry a handle, session or parameter number. */
  private boolean isFormatOne() {
    return (raw & RC_FMT1) != 0 && (raw & 0xFFFF0000) == 0;
  }

  /**
   * The code without the handle/session/parameter number: e.g. {@code 0x08B} for both {@code 0x18B}
   * (handle 1) and {@code 0x28B} (handle 2).
   */
  public int base() {
    if ((raw & 0xFFFF0000) != 0) {
      return raw; // a TSS or resource-manager layer code: keep as is
    }
    return isFormatOne() ? raw & (RC_FMT1 | 0x3F) : raw & 0xFFF;
  }

  /** The TPM_RC name, e.g. {@code TPM_RC_AUTH_FAIL}, or {@code TPM_RC_0x...} when unknown. */
  public String name() {
    String name = NAMES.get(base());
    if (name != null) {
      return name;
    }
    if ((raw & 0xFFFF0000) != 0) {
      return String.format("TSS_RC_0x%08X (layer %d)", raw, raw >>> 16);
    }
    if ((raw & (RC_VER1 | RC_FMT1)) == 0) {
      return String.format("TPM 1.2 code 0x%03X", raw);
    }
    return String.format("TPM_RC_0x%03X", base());
  }

  /** Which handle, session or parameter the code refers to, e.g. "session 1", or "" if none. */
  public String subject() {
    if (!isFormatOne()) {
      return "";
    }
    int n = (raw >>> 8) & 0xF;
    if ((raw & 0x40) != 0) {
      return "parameter " + n;
    }
    if (n == 0) {
      return "";
    }
    return n >= 8 ? "session " + (n - 8) : "handle " + n;
  }

  public Category category() {
    return switch (base()) {
      case 0x921 -> Category.LOCKOUT;
      case 0x922, 0x908, 0x90A, 0x909, 0x920, 0x923 -> Category.BUSY;
      case 0x08B -> Category.HANDLE;
      case 0x08E, 0x0A2, 0x09D, 0x149 -> Category.AUTH;
      case 0x902, 0x903, 0x904, 0x905, 0x906, 0x12E, 0x14B -> Category.MEMORY;
      case 0x0A5, 0x09F, 0x119 -> Category.INTEGRITY;
      default -> Category.OTHER;
    };
  }

  /** One sentence for an operator: what the code means here and what to do. */
  public String hint() {
    return switch (category()) {
      case LOCKOUT ->
          "the TPM is in dictionary-attack lockout after failed authorizations;"
              + " wait for the lockout interval or reset it with the lockout authorization";
      case BUSY -> "the TPM is busy; try again shortly";
      case HANDLE -> "no object exists at that handle";
      case AUTH ->
          base() == 0x09D
              ? "the policy session does not satisfy the key's policy"
              : "authorization failed: the hierarchy or object password is wrong";
      case MEMORY ->
          "the TPM has no free object or session slot; objects left loaded by other"
              + " programs fill it (tpm2_flushcontext -t / -s frees them, a resource manager such as"
              + " /dev/tpmrm0 avoids it)";
      case INTEGRITY ->
          base() == 0x0A5
              ? "the public and private parts of the key do not belong together"
              : "an integrity check failed: the data was not made for this TPM's keys or was altered";
      case OTHER -> "";
    };
  }

  /** E.g. {@code TPM_RC_AUTH_FAIL (0x98E, session 1)}. */
  @Override
  public String toString() {
    String subject = subject();
    return name()
        + String.format(" (0x%03X", raw)
        + (subject.isEmpty() ? "" : ", " + subject)
        + ")";
  }
}
