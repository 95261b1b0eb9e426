package io.dpsagent.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDatabaseTest {

  @TempDir Path dir;

  private UserDatabase database() throws Exception {
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"),
            "root:x:0:0:root:/root:/bin/bash\n"
                + "dps-agent:x:998:997:IoT Hub provisioning agent:/var/lib/dps-agent:/usr/sbin/nologin\n"
                + "+::::::\n");
    Path group =
        Files.writeString(
            dir.resolve("group"),
            "root:x:0:\n# comment\ntss:x:109:alice,dps-agent\n"
                + "dps-agent:x:997:\napp:x:1001:alice\n");
    return UserDatabase.read(passwd, group);
  }

  @Test
  void aUserHasItsPrimaryAndSupplementaryGroups() throws Exception {
    assertEquals(
        Optional.of(new ServiceUser("dps-agent", 998, 997, Map.of(997, "dps-agent", 109, "tss"))),
        database().user("dps-agent"));
  }

  @Test
  void unknownNamesAndNisLinesAreNotUsers() throws Exception {
    assertEquals(Optional.empty(), database().user("alice"));
    assertEquals(Optional.empty(), database().user("+"));
  }

  @Test
  void groupsAreFoundByNameAndNumber() throws Exception {
    assertEquals(Optional.of(1001), database().groupId("app"));
    assertEquals("tss", database().groupName(109));
    assertEquals("4242", database().groupName(4242));
  }
}
