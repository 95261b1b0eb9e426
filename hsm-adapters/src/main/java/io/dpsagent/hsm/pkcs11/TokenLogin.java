package io.dpsagent.hsm.pkcs11;

import io.dpsagent.hsm.HsmException;
import io.dpsagent.hsm.Pkcs11Uri;
import io.dpsagent.hsm.pkcs11.Pkcs11Exception.Kind;
import io.dpsagent.hsm.software.KeyFiles;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.security.auth.login.FailedLoginException;

/**
 * Finds the token a URI names and logs in exactly once with the URI's PIN: a wrong PIN is reported
 * at once as {@link Kind#WRONG_PIN} and never retried, since tokens lock the PIN after a few
 * failures.
 */
final class TokenLogin {

  /** A token with an open, logged-in KeyStore. */
  record Session(TokenInfo info, Provider provider, KeyStore keyStore) {}

  private TokenLogin() {}

  static Session open(Pkcs11Uri uri, String defaultModulePath) throws Pkcs11Exception {
    String module = uri.modulePath() != null ? uri.modulePath() : defaultModulePath;
    if (module == null || module.isBlank()) {
      throw new Pkcs11Exception(
          Kind.MODULE_NOT_FOUND,
          "no PKCS#11 module for "
              + uri
              + ": add module-path=/path/to/module.so to the URI or set pkcs11.module");
    }
    TokenInfo token = findToken(uri, module);
    if (token.userPinLocked()) {
      throw pinLocked(uri, token);
    }
    Provider provider;
    try {
      provider = SunPkcs11Providers.forSlot(module, token.slotId());
    } catch (ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR,
          "cannot use token '"
              + token.label()
              + "' of "
              + uri
              + ": "
              + SunPkcs11Providers.reason(e));
    }
    return new Session(token, provider, login(uri, module, token, provider));
  }

  private static TokenInfo findToken(Pkcs11Uri uri, String module) throws Pkcs11Exception {
    List<TokenInfo> tokens = Pkcs11Module.tokens(module);
    List<TokenInfo> matches =
        tokens.stream().filter(t -> t.matches(uri)).collect(Collectors.toList());
    String present =
        tokens.stream()
            .filter(TokenInfo::initialized)
            .map(t -> "'" + t.label() + "'")
            .collect(Collectors.joining(", "));
    if (matches.isEmpty()) {
      throw new Pkcs11Exception(
          Kind.TOKEN_NOT_FOUND,
          "no token matches "
              + uri
              + " in module "
              + module
              + (present.isEmpty()
                  ? " (it has no initialised token)"
                  : " (tokens present: " + present + ")"));
    }
    if (matches.size() > 1) {
      throw new Pkcs11Exception(
          Kind.TOKEN_NOT_FOUND,
          "several tokens match "
              + uri
              + " in module "
              + module
              + " ("
              + present
              + "); name one with token= or serial=");
    }
    return matches.get(0);
  }

  private static KeyStore login(Pkcs11Uri uri, String module, TokenInfo token, Provider provider)
      throws Pkcs11Exception {
    char[] pin = pin(uri);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, pin); // the one C_Login
      return keyStore;
    } catch (IOException e) {
      throw loginFailure(uri, module, token, e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new Pkcs11Exception(
          Kind.TOKEN_ERROR,
          "cannot open token '" + token.label() + "' of " + uri + ": " + e.getMessage());
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  private static Pkcs11Exception pinLocked(Pkcs11Uri uri, TokenInfo token) {
    return new Pkcs11Exception(
        Kind.PIN_LOCKED,
        "the user PIN of token '"
            + token.label()
            + "' is locked ("
            + uri
            + "); the security officer must unlock it");
  }

  private static Pkcs11Exception loginFailure(
      Pkcs11Uri uri, String module, TokenInfo token, IOException e) {
    String trace = causes(e);
    if (trace.contains("CKR_PIN_LOCKED")) {
      return pinLocked(uri, token);
    }
    if (trace.contains(FailedLoginException.class.getName())
        || trace.contains("CKR_PIN_INCORRECT")
        || trace.contains("CKR_PIN_LEN_RANGE")) {
      String after = lockState(module, token);
      return new Pkcs11Exception(
          Kind.WRONG_PIN,
          "token '"
              + token.label()
              + "' refused the PIN of "
              + uri
              + " (one attempt, not retried"
              + after
              + ")");
    }
    return new Pkcs11Exception(
        Kind.TOKEN_ERROR,
        "cannot log in to token '"
            + token.label()
            + "' of "
            + uri
            + ": "
            + ReturnCodes.of(e).map(rv -> "the module answered " + rv).orElse(e.getMessage()));
  }

  /** After a refused PIN, says whether the token now locks or is about to. */
  private static String lockState(String module, TokenInfo token) {
    try {
      for (TokenInfo now : Pkcs11Module.tokens(module)) {
        if (now.slotId() == token.slotId()) {
          return now.userPinLocked()
              ? "; the user PIN is now locked"
              : now.userPinFinalTry() ? "; one more wrong PIN locks it" : "";
        }
      }
    } catch (Pkcs11Exception e) {
      // the refusal is what matters
    }
    return "";
  }

  private static String causes(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(s.length() == 0 ? "" : " <- ")
          .append(t.getClass().getName())
          .append(": ")
          .append(t.getMessage());
    }
    return s.toString();
  }

  private static char[] pin(Pkcs11Uri uri) throws Pkcs11Exception {
    if (uri.pinValue() != null) {
      return uri.pinValue().toCharArray();
    }
    if (uri.pinSource() == null) {
      throw new Pkcs11Exception(
          Kind.PIN_UNAVAILABLE,
          "no PIN for "
              + uri
              + ": add pin-source=file:/path/to/pin (an owner-only file) to the URI");
    }
    String text;
    try {
      text = KeyFiles.readSecretText(uri.pinSource());
    } catch (HsmException e) {
      throw new Pkcs11Exception(
          Kind.PIN_UNAVAILABLE, e.getMessage() + " (PIN file of " + uri + ")");
    }
    String pin = text.lines().findFirst().orElse("");
    if (pin.isEmpty()) {
      throw new Pkcs11Exception(
          Kind.PIN_UNAVAILABLE, "PIN file " + uri.pinSource() + " is empty (" + uri + ")");
    }
    return pin.toCharArray();
  }
}
