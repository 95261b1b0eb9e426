package io.dpsagent.hsm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.hsm.testing.Fuzz;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: key references from config files ({@code file:} and {@code pkcs11:}). Property:
 * {@link KeyUri#parse} returns or throws {@link IllegalArgumentException} with a printable line;
 * neither the message nor {@code toString()} repeats an inline PIN, nor a key pasted in place of
 * the URI.
 */
class KeyUriFuzzTest {

  private static final String PIN = "SECRET-PIN-4711";
  private static final List<String> SEEDS = Fuzz.textSeeds(KeyUriFuzzTest.class, "key-uri");
  private static final List<String> KEYS = Fuzz.textSeeds(KeyUriFuzzTest.class, "symmetric-key");

  @Example
  void everySeedParses() {
    SEEDS.forEach(KeyUri::parse);
  }

  @Property
  void parseReturnsOrRefusesWithoutShowingSecrets(@ForAll("uris") String text) {
    Fuzz.Outcome<KeyUri> outcome =
        Fuzz.bounded(() -> KeyUri.parse(text)).allowOnly(IllegalArgumentException.class);
    String shown = outcome.failed() ? outcome.failure().getMessage() : outcome.value().toString();
    if (outcome.failed()) {
      Fuzz.assertPrintableLine(shown);
    } else if (outcome.value().scheme() == KeyUri.Scheme.FILE) {
      assertTrue(outcome.value().path().isAbsolute(), shown);
    }
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("pkcs11:") && Fuzz.carriesPin(text, PIN)) {
      Fuzz.assertNoSecret(shown, PIN, PIN.length());
    }
    if (lower.startsWith("file:") && text.indexOf('?') >= 0) { // a query is never shown
      String query = text.substring(text.indexOf('?'));
      Fuzz.assertNoSecret(shown, query, query.length());
    }
    for (String key : KEYS) {
      if (!lower.startsWith("file:")
          && !lower.startsWith("pkcs11:")
          && text.contains(key.strip())) {
        Fuzz.assertNoSecret(shown, key.strip(), 12);
      }
    }
  }

  @Provide
  Arbitrary<String> uris() {
    List<String> seeds = new ArrayList<>(SEEDS);
    seeds.addAll(KEYS); // a key pasted where its URI belongs
    return Fuzz.textMutationsOf(seeds);
  }
}
