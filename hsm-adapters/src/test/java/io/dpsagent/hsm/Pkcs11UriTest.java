package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.Pkcs11Uri.ObjectType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pkcs11UriTest {

  @Test
  void parsesPathAndQueryAttributes() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            "pkcs11:token=My%20Token;serial=0123abcd;slot-id=7;object=device;"
                + "id=%01%02%ff;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/dps-agent/pin");

    assertEquals("My Token", uri.token());
    assertEquals("0123abcd", uri.serial());
    assertEquals(7L, uri.slotId());
    assertEquals("device", uri.object());
    assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, uri.id());
    assertEquals(ObjectType.PRIVATE, uri.type());
    assertEquals("/usr/lib/softhsm/libsofthsm2.so", uri.modulePath());
    assertEquals(Path.of("/etc/dps-agent/pin"), uri.pinSource());
    assertNull(uri.pinValue());
    assertFalse(uri.hasInlinePin());
  }

  @Test
  void decodesPercentEncodedUtf8AndAcceptsRfcSpellings() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse(
            "PKCS11:object=ger%C3%A4t;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;"
                + "type=secret-key;x-vendor=ignored?pin-source=file:///run/pin&x-flag=1");
    assertEquals("gerät", uri.object());
    assertEquals("SoftHSM project", uri.manufacturer());
    assertEquals("SoftHSM v2", uri.model());
    assertEquals(ObjectType.SECRET_KEY, uri.type());
    assertEquals(ObjectType.SECRET_KEY, Pkcs11Uri.parse("pkcs11:type=secret").type());
    assertEquals(Path.of("/run/pin"), uri.pinSource());
    assertEquals(Path.of("/run/pin"), Pkcs11Uri.parse("pkcs11:?pin-source=/run/pin").pinSource());
  }

  @Test
  void toStringIsCanonicalAndNeverShowsTheInlinePin() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse("pkcs11:object=a%3Bb;token=gw;id=AB?pin-value=s3cr%65t&module-path=/m.so");

    assertEquals("s3cret", uri.pinValue());
    assertTrue(uri.hasInlinePin());
    assertEquals(
        "pkcs11:token=gw;object=a%3Bb;id=%41%42?module-path=/m.so&pin-value=***", uri.toString());
    assertFalse(uri.toString().contains("s3cr"));
  }

  @Test
  void roundTripsThroughToString() {
    Pkcs11Uri uri =
        Pkcs11Uri.parse("pkcs11:token=a%20b;object=k;id=%00%10;type=cert?pin-source=file:/p");
    assertEquals(uri, Pkcs11Uri.parse(uri.toString()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://x | not a pkcs11 URI: it must start with 'pkcs11:'",
        "pkcs11:tokn=gw | pkcs11 URI path attribute 'tokn' is not supported; use token, serial, manufacturer, model, slot-id, object, id or type",
        "pkcs11:token=a;token=b | pkcs11 URI attribute 'token' appears twice",
        "pkcs11:object=a%4 | pkcs11 URI attribute 'object' has a '%' not followed by two hex digits; write a literal % as %25",
        "pkcs11:id=%zz | pkcs11 URI attribute 'id' has a '%' not followed by two hex digits; write a literal % as %25",
        "pkcs11:object= | pkcs11 URI attribute 'object' is empty",
        "pkcs11:object | pkcs11 URI path attribute 'object' has no value; write name=value",
        "pkcs11:token=gw?123456 | pkcs11 URI query attribute has no value; write name=value",
        "pkcs11:slot-id=first | pkcs11 URI attribute 'slot-id' is 'first'; use a decimal slot number",
        "pkcs11:type=key | pkcs11 URI attribute 'type' is 'key'; use private, public, cert, secret-key or data",
        "pkcs11:object=%C3%28 | pkcs11 URI attribute 'object' is not valid UTF-8",
        "pkcs11:?module-path=lib.so | pkcs11 URI attribute 'module-path' must be an absolute path",
        "pkcs11:?module-name=softhsm2 | pkcs11 URI query attribute 'module-name' is not supported; use module-path=/absolute/path.so",
        "pkcs11:?pin-source=pin.txt | pkcs11 URI attribute 'pin-source' must be an absolute path or a file: URI, e.g. pin-source=file:/etc/dps-agent/pin",
        "pkcs11:?pin-source=%7C/bin/get-pin | pkcs11 URI attribute 'pin-source' must be an absolute path or a file: URI, e.g. pin-source=file:/etc/dps-agent/pin",
        "pkcs11:?pin-value=1&pin-source=/p | pkcs11 URI has both 'pin-source' and 'pin-value'; keep one",
        "pkcs11:?pin-value=1&pin-value=2 | pkcs11 URI attribute 'pin-value' appears twice",
        "pkcs11:?pin-valu=99887766 | pkcs11 URI query attribute 'pin-valu' is not supported; use module-path, pin-source or pin-value",
      })
  void rejectsMalformedUrisNamingTheAttribute(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse(text));
    assertEquals(message, e.getMessage());
  }
}
