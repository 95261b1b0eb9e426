package io.dpsagent.agent.check;

import static io.dpsagent.agent.check.FileAccess.READ;
import static io.dpsagent.agent.check.FileAccess.SEARCH;
import static io.dpsagent.agent.check.FileAccess.WRITE;
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

  /** Whether {@code user} may do {@code access} on a file of owner {@code uid:gid} and mode. */
  private static boolean allows(ServiceUser user, int uid, int gid, int mode, int access) {
    return FileAccess.allows(user, new FileAccess.Owner(uid, gid, mode), access);
  }

  @Test
  void theOwnerGetsTheOwnerBitsOnlyEvenWhenOthersHaveMore() {
    assertTrue(allows(AGENT, 998, 0, 0600, READ));
    assertFalse(allows(AGENT, 998, 0, 0066, READ));
  }

  @Test
  void aMemberGetsTheGroupBits() {
    assertTrue(allows(AGENT, 0, 109, 0660, READ | WRITE));
    assertFalse(allows(AGENT, 0, 109, 0640, READ | WRITE));
  }

  @Test
  void anyoneElseGetsTheOthersBits() {
    assertFalse(allows(AGENT, 0, 0, 0770, SEARCH));
    assertTrue(allows(AGENT, 0, 0, 0701, SEARCH));
  }

  @Test
  void rootMayDoAnything() {
    assertTrue(allows(ROOT, 998, 998, 0000, READ | WRITE));
  }
}
