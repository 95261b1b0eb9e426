package io.dpsagent.hsm;

import io.dpsagent.common.PercentEncoding;
import io.dpsagent.hsm.Pkcs11Uri.ObjectType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the text of an RFC 7512 PKCS#11 URI into a {@link Pkcs11Uri}, attribute by attribute, so
 * that an error names the first attribute at fault and never contains a PIN value.
 */
final class Pkcs11UriParser {

  private Pkcs11UriParser() {}

  static Pkcs11Uri parse(String text) {
    if (text == null
        || !text.regionMatches(true, 0, Pkcs11Uri.SCHEME, 0, Pkcs11Uri.SCHEME.length())) {
      throw new IllegalArgumentException("not a pkcs11 URI: it must start with 'pkcs11:'");
    }
    String rest = text.substring(Pkcs11Uri.SCHEME.length()).strip();
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
        default ->
            refuseUnlessVendor(
                "path", name, "token, serial, manufacturer, model, slot-id, object, id or type");
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
        default -> refuseUnlessVendor("query", name, "module-path, pin-source or pin-value");
      }
    }

    /** Vendor attributes ({@code x-...}) are ignored; any other unknown one is refused. */
    private static void refuseUnlessVendor(String component, String name, String supported) {
      if (!name.startsWith("x-")) {
        throw new IllegalArgumentException(
            "pkcs11 URI "
                + component
                + " attribute "
                + Printable.quote(name)
                + " is not supported; use "
                + supported);
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
