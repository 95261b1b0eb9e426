package io.dpsagent.agent.check;

import static io.dpsagent.agent.check.FileAccess.READ;
import static io.dpsagent.agent.check.FileAccess.SEARCH;
import static io.dpsagent.agent.check.FileAccess.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel's mode-bit rule: owner bits for the owner, group bits for members, else the others'
 * bits. Each case: who asks, the file's owner uid and gid, its mode, the access asked, the answer.
 */
class FileAccessTest {

  private static final ServiceUser AGENT =
      new ServiceUser("dps-agent", 998, 998, Map.of(998, "dps-agent", 109, "tss"));
  private static final ServiceUser ROOT = new ServiceUser("root", 0, 0, Map.of(0, "root"));

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("the owner gets the owner bits", AGENT, 998, 0, 0600, READ, true),
        arguments("the owner gets only them, others have more", AGENT, 998, 0, 0066, READ, false),
        arguments("a member gets the group bits", AGENT, 0, 109, 0660, READ | WRITE, true),
        arguments("a member gets only the group bits", AGENT, 0, 109, 0640, READ | WRITE, false),
        arguments("anyone else gets the others' bits", AGENT, 0, 0, 0701, SEARCH, true),
        arguments("anyone else gets only the others' bits", AGENT, 0, 0, 0770, SEARCH, false),
        arguments("root may do anything", ROOT, 998, 998, 0000, READ | WRITE, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void allowsAsTheKernelDoes(
      String rule, ServiceUser user, int uid, int gid, int mode, int access, boolean allowed) {
    assertEquals(allowed, FileAccess.allows(user, new FileAccess.Owner(uid, gid, mode), access));
  }
}
