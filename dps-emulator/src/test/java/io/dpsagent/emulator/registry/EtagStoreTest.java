package io.dpsagent.emulator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtagStoreTest {

  private record Entry(String name, String etag) {}

  private final EtagStore<Entry> store = new EtagStore<>(Entry::etag, "nothing here");

  @Test
  void conditionOnAnAbsentEntryFailsWithTheStoresReason() {
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class, () -> store.checkIfMatch("a", Optional.of("*")));
    assertEquals("nothing here", e.getMessage());
  }

  @Test
  void noConditionOnAnAbsentEntryReplacesNothing() throws Exception {
    assertEquals(Optional.empty(), store.checkIfMatch("a", Optional.empty()));
    assertFalse(store.remove("a", Optional.empty()));
  }

  @Test
  void starQuotedAndBareEtagsMatchOthersDoNot() throws Exception {
    Entry entry = new Entry("a", "abc");
    store.put("a", entry);

    assertEquals(Optional.of(entry), store.checkIfMatch("a", Optional.of("*")));
    assertEquals(Optional.of(entry), store.checkIfMatch("a", Optional.of("abc")));
    assertEquals(Optional.of(entry), store.checkIfMatch("a", Optional.of("\"abc\"")));
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class, () -> store.remove("a", Optional.of("abd")));
    assertEquals("etag does not match", e.getMessage());
    assertEquals(Optional.of(entry), store.get("a"));

    assertTrue(store.remove("a", Optional.of("abc")));
    assertEquals(Optional.empty(), store.get("a"));
  }

  @Test
  void sortedByIsASnapshotInKeyOrder() {
    store.put("b", new Entry("b", "1"));
    store.put("a", new Entry("a", "2"));

    List<Entry> sorted = store.sortedBy(Entry::name);
    store.put("c", new Entry("c", "3"));

    assertEquals(List.of(new Entry("a", "2"), new Entry("b", "1")), sorted);
  }
}
