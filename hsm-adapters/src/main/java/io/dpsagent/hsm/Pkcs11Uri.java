package io.dpsagent.hsm;

import io.dpsagent.common.ConstantNames;
import io.dpsagent.common.PercentEncoding;
import io.dpsagent.common.PercentEncoding.HexCase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

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
    PRIVATE,
    PUBLIC,
    CERT,
    SECRET_KEY,
    DATA;

    /** The RFC 7512 spelling; {@code secret} is accepted as a synonym of {@code secret-key}. */
    static ObjectType parse(String text) {
      if ("secret".equals(text)) {
        return SECRET_KEY;
      }
      return ConstantNames.find(values(), ObjectType::toString, text)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "pkcs11 URI attribute 'type' is "
                          + Printable.quote(text)
                          + "; use private, public, cert, secret-key or data"));
    }

    /** The RFC 7512 spelling. */
    @Override
    public String toString() {
      return ConstantNames.kebabCase(this);
    }
  }

  static final String SCHEME = "pkcs11:";
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
    return Pkcs11UriParser.parse(text);
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

  /** The same token, module and PIN, naming the object labelled {@code label} instead. */
  public Pkcs11Uri withObject(String label) {
    return new Pkcs11Uri(
        token,
        manufacturer,
        model,
        serial,
        slotId,
        Objects.requireNonNull(label),
        id,
        type,
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
}
