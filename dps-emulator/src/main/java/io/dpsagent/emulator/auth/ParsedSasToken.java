package io.dpsagent.emulator.auth;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import io.dpsagent.emulator.crypto.HmacKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed {@code SharedAccessSignature sr=...&sig=...&se=...&skn=...} value.
 *
 * <p>Parameters may come in any order. The resource is kept both as it appeared in the token and
 * decoded, because SDKs sign different spellings of it (raw, {@code %2F}, {@code %2f}, lower-cased)
 * and the signature is over the spelling they chose.
 */
public final class ParsedSasToken {

  private static final String SCHEME = "SharedAccessSignature";

  private final String literalResource;
  private final String resource;
  private final byte[] signature;
  private final String expiryText;
  private final long expiryEpochSeconds;
  private final Optional<String> keyName;

  private ParsedSasToken(
      String literalResource,
      String resource,
      byte[] signature,
      String expiryText,
      Optional<String> keyName) {
    this.literalResource = literalResource;
    this.resource = resource;
    this.signature = signature;
    this.expiryText = expiryText;
    this.expiryEpochSeconds = Long.parseLong(expiryText);
    this.keyName = keyName;
  }

  /** Parses the value of an {@code Authorization} header or an MQTT password. */
  public static ParsedSasToken parse(String value) throws InvalidSasTokenException {
    String trimmed = value.strip();
    if (!trimmed.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
      throw new InvalidSasTokenException("not a SharedAccessSignature");
    }
    Map<String, String> literal = parameters(trimmed.substring(SCHEME.length() + 1).strip());
    String sr = require(literal, "sr");
    String se = decode(require(literal, "se"));
    if (!se.matches("[0-9]{1,18}")) {
      throw new InvalidSasTokenException("se is not a number of seconds");
    }
    Optional<String> skn =
        literal.containsKey("skn") ? Optional.of(decode(literal.get("skn"))) : Optional.empty();
    return new ParsedSasToken(sr, decode(sr), signature(require(literal, "sig")), se, skn);
  }

  /** The resource ({@code sr}) after percent-decoding. */
  public String resource() {
    return resource;
  }

  public long expiryEpochSeconds() {
    return expiryEpochSeconds;
  }

  /** The key name ({@code skn}) after decoding; empty when the token has none. */
  public Optional<String> keyName() {
    return keyName;
  }

  /** True if {@code key} made this token's signature over any accepted spelling of the resource. */
  public boolean isSignedWith(HmacKey key) {
    for (String spelling : resourceSpellings()) {
      byte[] stringToSign = (spelling + "\n" + expiryText).getBytes(StandardCharsets.UTF_8);
      if (key.verifies(stringToSign, signature)) {
        return true;
      }
    }
    return false;
  }

  // The spelling in the token first; then what other SDKs would have produced from the same
  // resource, so that a proxy re-encoding the token cannot break it.
  private Set<String> resourceSpellings() {
    Set<String> spellings = new LinkedHashSet<>();
    spellings.add(literalResource);
    spellings.add(resource);
    spellings.add(PercentEncoding.encode(resource, HexCase.UPPER));
    spellings.add(PercentEncoding.encode(resource, HexCase.LOWER));
    return spellings;
  }

  private static Map<String, String> parameters(String query) throws InvalidSasTokenException {
    Map<String, String> parameters = new HashMap<>();
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new InvalidSasTokenException("malformed parameter");
      }
      if (parameters.put(pair.substring(0, equals), pair.substring(equals + 1)) != null) {
        throw new InvalidSasTokenException("repeated parameter " + pair.substring(0, equals));
      }
    }
    return parameters;
  }

  private static String require(Map<String, String> parameters, String name)
      throws InvalidSasTokenException {
    String value = parameters.get(name);
    if (value == null || value.isEmpty()) {
      throw new InvalidSasTokenException("missing " + name);
    }
    return value;
  }

  private static byte[] signature(String encoded) throws InvalidSasTokenException {
    try {
      return Base64.getDecoder().decode(decode(encoded));
    } catch (IllegalArgumentException e) {
      throw new InvalidSasTokenException("sig is not base64");
    }
  }

  private static String decode(String value) throws InvalidSasTokenException {
    try {
      return PercentEncoding.decode(value, "SAS token value");
    } catch (IllegalArgumentException e) {
      throw new InvalidSasTokenException("malformed percent-encoding");
    }
  }

  @Override
  public String toString() {
    return "ParsedSasToken[sr=" + resource + ", se=" + expiryText + ", sig=redacted]";
  }
}
