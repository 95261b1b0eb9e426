package io.dpsagent.hsm;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed RFC 7512 PKCS#11 URI, e.g. {@code
 * pkcs11:token=gw;object=device;type=private?module-path=/usr/lib/x.so&pin-source=file:/etc/pin}.
 *
 * <p>Path attributes select a token ({@code token}, {@code serial}, {@code manufacturer}, {@code
 * model}, {@code slot-id}) and an object on it ({@code object} = CKA_LABEL, {@code id} = CKA_ID
 * bytes, {@code type}). Query attributes say how to reach it ({@code module-path}) and where the
 * user PIN comes from ({@code pin-source} = an owner-only file, or {@code pin-value} inline).
 * Vendor attributes ({@code x-...}) are accepted and ignored; any other attribute is refused rather
 * than silently ignored, so a typo cannot select the wrong token.
 *
 * <p>{@link #toString()} never shows the PIN value: the URI may be logged and put into messages.
 *
 * @param token CKA token label, or null
 * @param manufacturer token manufacturer ID, or null
 * @param model token model, or null
 * @param serial token serial number, or null
 * @param slotId PKCS#11 slot ID, or null
 * @param object object label (CKA_LABEL), or null
 * @param id object ID (CKA_ID) bytes, or null
 * @param type object class, or null
 * @param modulePath absolute path of the PKCS#11 library, or null (the caller's default applies)
 * @param pinSource owner-only file holding the user PIN, or null
 * @param pinValue the user PIN written into the URI, or null; see {@link #hasInlinePin()}
 */
public record Pkcs11Uri(
    String token,
    String manufacturer,
    String model,
    String serial,
    Long slotId,
    String object,
    byte[] id,
    ObjectType type,
    String modulePath,
    Path pinSource,
    String pinValue) {

  /** The object classes a URI may name ({@code type=}). */
  public enum ObjectType {
    PRIVATE("private"),
    PUBLIC("public"),
    CERT("cert"),
    SECRET_KEY("secret-key"),
    DATA("data");

    private final String text;

    ObjectType(String text) {
      this.text = text;
    }

    /** The RFC 7512 spelling; {@code secret} is accepted as a synonym of {@code secret-key}. */
    static ObjectType parse(String text) {
      if ("secret".equals(text)) {
        return SECRET_KEY;
      }
      for (ObjectType t : values()) {
        if (t.text.equals(text)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "pkcs11 URI attribute 'type' is "
              + Printable.quote(text)
              + "; use private, public, cert, secret-key or data");
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static final String SCHEME = "pkcs11:";
  // RFC 7512 p-char/q-char beyond RFC 3986's unreserved, less the separators '=', ';' and '&':
  // what toString() leaves unencoded.
  private static final String PLAIN = ":[]@!$'()*+,/";

  public Pkcs11Uri {
    id = id == null ? null : id.clone();
  }

  /**
   * Parses a PKCS#11 URI.
   *
   * @throws IllegalArgumentException with one line naming the attribute at fault; the message never
   *     contains a PIN value
   */
  public static Pkcs11Uri parse(String text) {
    if (text == null || !text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new IllegalArgumentException("not a pkcs11 URI: it must start with 'pkcs11:'");
    }
    String rest = text.substring(SCHEME.length()).strip();
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? "" : rest.substring(q + 1);
    Builder b = new Builder();
    Set<String> seen = new HashSet<>();
    for (String attribute : split(path, ';')) {
      b.path(name(attribute, seen, "path"), value(attribute));
    }
    for (String attribute : split(query, '&')) {
      b.query(name(attribute, seen, "query"), value(attribute));
    }
    return b.build();
  }

  /** True when the PIN is written in the URI itself, which callers should warn about. */
  public boolean hasInlinePin() {
    return pinValue != null;
  }

  /** The ID bytes (a copy), or null. */
  @Override
  public byte[] id() {
    return id == null ? null : id.clone();
  }

  /** True when the URI selects an object by label or ID. */
  public boolean namesObject() {
    return object != null || id != null;
  }

  /** The same URI with another object class (e.g. the certificate next to a private key). */
  public Pkcs11Uri withType(ObjectType newType) {
    return new Pkcs11Uri(
        token,
        manufacturer,
        model,
        serial,
        slotId,
        object,
        id,
        newType,
        modulePath,
        pinSource,
        pinValue);
  }

  /** The URI in canonical form, with {@code pin-value} shown as {@code ***}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(SCHEME);
    StringBuilder path = new StringBuilder();
    append(path, ';', "token", token);
    append(path, ';', "manufacturer", manufacturer);
    append(path, ';', "model", model);
    append(path, ';', "serial", serial);
    append(path, ';', "slot-id", slotId == null ? null : slotId.toString());
    append(path, ';', "object", object);
    if (id != null) {
      path.append(path.length() == 0 ? "" : ";").append("id=").append(hex(id));
    }
    append(path, ';', "type", type == null ? null : type.toString());
    s.append(path);
    StringBuilder query = new StringBuilder();
    append(query, '&', "module-path", modulePath);
    append(query, '&', "pin-source", pinSource == null ? null : "file:" + pinSource);
    if (pinValue != null) {
      query.append(query.length() == 0 ? "" : "&").append("pin-value=***");
    }
    if (query.length() > 0) {
      s.append('?').append(query);
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pkcs11Uri u
        && Objects.equals(token, u.token)
        && Objects.equals(manufacturer, u.manufacturer)
        && Objects.equals(model, u.model)
        && Objects.equals(serial, u.serial)
        && Objects.equals(slotId, u.slotId)
        && Objects.equals(object, u.object)
        && Arrays.equals(id, u.id)
        && type == u.type
        && Objects.equals(modulePath, u.modulePath)
        && Objects.equals(pinSource, u.pinSource)
        && Objects.equals(pinValue, u.pinValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, serial, slotId, object, Arrays.hashCode(id), type);
  }

  private static String[] split(String part, char separator) {
    return part.isEmpty()
        ? new String[0]
        : part.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
  }

  private static String name(String attribute, Set<String> seen, String component) {
    int eq = attribute.indexOf('=');
    if (eq <= 0) {
      // A query attribute without '=' may be a pasted PIN: it is not echoed.
      String shown = "path".equals(component) ? " " + Printable.quote(attribute) : "";
      throw new IllegalArgumentException(
          "pkcs11 URI " + component + " attribute" + shown + " has no value; write name=value");
    }
    String name = attribute.substring(0, eq).toLowerCase(Locale.ROOT);
    if (!seen.add(name)) {
      throw new IllegalArgumentException(
          "pkcs11 URI attribute " + Printable.quote(name) + " appears twice");
    }
    return name;
  }

  private static String value(String attribute) {
    return attribute.substring(attribute.indexOf('=') + 1);
  }

  /** RFC 7512 §2.3: values are percent-encoded bytes; text attributes are UTF-8. */
  static byte[] percentDecode(String name, String value) {
    return PercentEncoding.decodeBytes(value, "pkcs11 URI attribute '" + name + "'");
  }

  private static void append(StringBuilder s, char separator, String name, String value) {
    if (value == null) {
      return;
    }
    if (s.length() > 0) {
      s.append(separator);
    }
    s.append(name).append('=');
    s.append(PercentEncoding.encode(value.getBytes(StandardCharsets.UTF_8), PLAIN, HexCase.UPPER));
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("%%%02X", b & 0xff));
    }
    return s.toString();
  }

  /** Collects attributes and checks each as it comes, so the error names the first bad one. */
  private static final class Builder {
    private String token;
    private String manufacturer;
    private String model;
    private String serial;
    private Long slotId;
    private String object;
    private byte[] id;
    private ObjectType type;
    private String modulePath;
    private Path pinSource;
    private String pinValue;

    void path(String name, String raw) {
      switch (name) {
        case "token" -> token = text(name, raw);
        case "manufacturer" -> manufacturer = text(name, raw);
        case "model" -> model = text(name, raw);
        case "serial" -> serial = text(name, raw);
        case "slot-id" -> slotId = slotId(text(name, raw));
        case "object" -> object = text(name, raw);
        case "id" -> id = nonEmpty(name, percentDecode(name, raw));
        case "type" -> type = ObjectType.parse(text(name, raw));
        default -> {
          if (!name.startsWith("x-")) {
            throw new IllegalArgumentException(
                "pkcs11 URI path attribute "
                    + Printable.quote(name)
                    + " is not supported;"
                    + " use token, serial, manufacturer, model, slot-id, object, id or type");
          }
        }
      }
    }

    void query(String name, String raw) {
      switch (name) {
        case "module-path" -> modulePath = absolute(name, text(name, raw)).toString();
        case "pin-source" -> pinSource = pinFile(text(name, raw));
        case "pin-value" -> pinValue = new String(percentDecode(name, raw), StandardCharsets.UTF_8);
        case "module-name" ->
            throw new IllegalArgumentException(
                "pkcs11 URI query attribute 'module-name' is not supported; use module-path=/absolute/path.so");
        default -> {
          if (!name.startsWith("x-")) {
            throw new IllegalArgumentException(
                "pkcs11 URI query attribute "
                    + Printable.quote(name)
                    + " is not supported;"
                    + " use module-path, pin-source or pin-value");
          }
        }
      }
    }

    Pkcs11Uri build() {
      if (pinSource != null && pinValue != null) {
        throw new IllegalArgumentException(
            "pkcs11 URI has both 'pin-source' and 'pin-value'; keep one");
      }
      return new Pkcs11Uri(
          token,
          manufacturer,
          model,
          serial,
          slotId,
          object,
          id,
          type,
          modulePath,
          pinSource,
          pinValue);
    }

    private static String text(String name, String raw) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .decode(java.nio.ByteBuffer.wrap(nonEmpty(name, percentDecode(name, raw))))
            .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IllegalArgumentException(
            "pkcs11 URI attribute '" + name + "' is not valid UTF-8");
      }
    }

    private static byte[] nonEmpty(String name, byte[] value) {
      if (value.length == 0) {
        throw new IllegalArgumentException("pkcs11 URI attribute '" + name + "' is empty");
      }
      return value;
    }

    private static Long slotId(String text) {
      try {
        long id = Long.parseLong(text);
        if (id >= 0) {
          return id;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "pkcs11 URI attribute 'slot-id' is "
              + Printable.quote(text)
              + "; use a decimal slot number");
    }

    /** RFC 7512 allows any URI; we read PINs only from local files: file:/p, file:///p or /p. */
    private static Path pinFile(String text) {
      String path = text;
      if (text.startsWith("file://")) {
        path = text.substring("file://".length());
      } else if (text.startsWith("file:")) {
        path = text.substring("file:".length());
      }
      return absolute("pin-source", path);
    }

    private static Path absolute(String name, String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException(
            "pkcs11 URI attribute '"
                + name
                + "' must be an absolute path"
                + ("pin-source".equals(name)
                    ? " or a file: URI, e.g. pin-source=file:/etc/dps-agent/pin"
                    : ""));
      }
      try {
        return Path.of(path);
      } catch (java.nio.file.InvalidPathException e) {
        throw new IllegalArgumentException(
            "pkcs11 URI attribute '" + name + "' is not a valid path");
      }
    }
  }
}
