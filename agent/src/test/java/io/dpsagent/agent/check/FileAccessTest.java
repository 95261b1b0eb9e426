package io.dpsagent.agent.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel's mode-bit rule: owner bits for the owner, group bits for members, else the others'
 * bits.
 */
class FileAccessTest {

  private static final ServiceUser AGENT =
      new ServiceUser("dps-agent", 998, 998, Map.of(998, "dps-agent", 109, "tss"));
  private static final ServiceUser ROOT = new ServiceUser("root", 0, 0, Map.of(0, "root"));

  @Test
  void theOwnerGetsTheOwnerBitsOnlyEvenWhenOthersHaveMore() {
    assertTrue(FileAccess.allows(AGENT, new FileAccess.Owner(998, 0, 0600), FileAccess.READ));
    assertFalse(FileAccess.allows(AGENT, new FileAccess.Owner(998, 0, 0066), FileAccess.READ));
  }

  @Test
  void aMemberGetsTheGroupBits() {
    assertTrue(
        FileAccess.allows(
            AGENT, new FileAccess.Owner(0, 109, 0660), FileAccess.READ | FileAccess.WRITE));
    assertFalse(
        FileAccess.allows(
            AGENT, new FileAccess.Owner(0, 109, 0640), FileAccess.READ | FileAccess.WRITE));
  }

  @Test
  void anyoneElseGetsTheOthersBits() {
    assertFalse(FileAccess.allows(AGENT, new FileAccess.Owner(0, 0, 0770), FileAccess.SEARCH));
    assertTrue(FileAccess.allows(AGENT, new FileAccess.Owner(0, 0, 0701), FileAccess.SEARCH));
  }

  @Test
  void rootMayDoAnything() {
    assertTrue(
        FileAccess.allows(
            ROOT, new FileAccess.Owner(998, 998, 0000), FileAccess.READ | FileAccess.WRITE));
  }
}
