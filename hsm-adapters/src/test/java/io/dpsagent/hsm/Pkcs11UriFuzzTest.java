package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.testing.Fuzz;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: RFC 7512 PKCS#11 URIs from config files. Property: {@link Pkcs11Uri#parse} returns
 * or throws {@link IllegalArgumentException} (its documented contract) with a printable line that
 * never repeats an inline PIN; a parsed URI prints without its PIN and parses back to itself.
 */
class Pkcs11UriFuzzTest {

  /** The PIN of the seed corpus; an input that still carries it intact must never show it. */
  static final String PIN = "SECRET-PIN-4711";

  private static final List<String> SEEDS = Fuzz.textSeeds(Pkcs11UriFuzzTest.class, "pkcs11-uri");

  @Example
  void everySeedParses() {
    SEEDS.forEach(Pkcs11Uri::parse);
  }

  @Property
  void parseReturnsOrRefusesWithoutShowingThePin(@ForAll("uris") String text) {
    Fuzz.Outcome<Pkcs11Uri> outcome =
        Fuzz.bounded(() -> Pkcs11Uri.parse(text)).allowOnly(IllegalArgumentException.class);
    boolean pinIntact = Fuzz.carriesPin(text, PIN);
    if (outcome.failed()) {
      Fuzz.assertPrintableLine(outcome.failure().getMessage());
      if (pinIntact) {
        Fuzz.assertNoSecret(outcome.failure().getMessage(), PIN, PIN.length());
      }
      return;
    }
    Pkcs11Uri uri = outcome.value();
    String printed = uri.toString();
    if (pinIntact) {
      Fuzz.assertNoSecret(printed, PIN, PIN.length());
    }
    Pkcs11Uri reparsed = Pkcs11Uri.parse(printed);
    assertEquals(
        uri.pinValue() == null ? uri : withPin(uri, "***"),
        reparsed,
        () -> "round trip of " + printed);
  }

  private static Pkcs11Uri withPin(Pkcs11Uri u, String pin) {
    return new Pkcs11Uri(
        u.token(),
        u.manufacturer(),
        u.model(),
        u.serial(),
        u.slotId(),
        u.object(),
        u.id(),
        u.type(),
        u.modulePath(),
        u.pinSource(),
        pin);
  }

  @Provide
  Arbitrary<String> uris() {
    return Fuzz.textMutationsOf(SEEDS);
  }
}
