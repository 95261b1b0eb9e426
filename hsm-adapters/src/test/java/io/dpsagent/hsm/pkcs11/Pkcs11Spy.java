package io.dpsagent.hsm.pkcs11;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * OpenSC's pkcs11-spy logs every PKCS#11 call and forwards it to the module named by PKCS11SPY
 * (SoftHSM2; set with PKCS11SPY_OUTPUT for the test JVM in the pom): the way to count C_Login
 * calls.
 */
final class Pkcs11Spy {

  static final String MODULE =
      Stream.of(
              "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so",
              "/usr/lib/aarch64-linux-gnu/pkcs11-spy.so",
              "/usr/lib64/pkcs11-spy.so",
              "/usr/lib/pkcs11-spy.so")
          .filter(p -> Files.isRegularFile(Path.of(p)))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("pkcs11-spy.so not found; install opensc-pkcs11"));

  private static final Pattern C_LOGIN = Pattern.compile("(?m)^\\d+: C_Login$");

  private Pkcs11Spy() {}

  /** C_Login calls made through the spy in this JVM so far. */
  static long logins() throws Exception {
    Path log = Path.of(System.getenv("PKCS11SPY_OUTPUT"));
    if (!Files.exists(log)) {
      return 0;
    }
    Matcher m = C_LOGIN.matcher(Files.readString(log));
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
