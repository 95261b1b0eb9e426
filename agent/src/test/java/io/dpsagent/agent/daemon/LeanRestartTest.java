package io.dpsagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeanRestartTest {

  private static final Instant AT = Instant.parse("2026-12-01T23:40:05.123Z");

  @Test
  void theFreshJvmRunsTheSameCommandWithoutTheJarsArchive() {
    List<String> current =
        List.of(
            "java",
            "-XX:+UseSerialGC",
            "-Xint",
            "-XX:SharedArchiveFile=/var/lib/dps-agent/dps-agent-jdk17.jsa",
            "-Xlog:cds=off",
            "-jar",
            "/usr/share/dps-agent/dps-agent.jar",
            "run",
            "--config",
            "/etc/dps-agent/config.toml");

    assertEquals(
        List.of(
            "java",
            "-XX:+UseSerialGC",
            "-Xint",
            "-Xlog:cds=off",
            "-jar",
            "/usr/share/dps-agent/dps-agent.jar",
            "run",
            "--config",
            "/etc/dps-agent/config.toml"),
        LeanRestart.argv(current));
  }

  @Test
  void theFreshJvmGetsThisEnvironmentWithTheHandoverInsteadOfAnOldOne() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("NOTIFY_SOCKET", "/run/systemd/notify");
    environment.put(LeanRestart.HANDOVER, "cache");
    environment.put("WATCHDOG_USEC", "120000000");

    assertArrayEquals(
        new String[] {
          "NOTIFY_SOCKET=/run/systemd/notify",
          "WATCHDOG_USEC=120000000",
          "DPS_AGENT_HANDOVER=dps," + AT
        },
        LeanRestart.envp(environment, new LeanRestart.Handover("dps", Optional.of(AT))));
  }

  @Test
  void aHandoverReadsBackAsWritten() {
    for (LeanRestart.Handover handover :
        List.of(
            new LeanRestart.Handover("dps", Optional.empty()),
            new LeanRestart.Handover("cache", Optional.of(AT)))) {
      assertEquals(
          Optional.of(handover),
          LeanRestart.Handover.in(Map.of(LeanRestart.HANDOVER, handover.encode())));
    }
  }

  @Test
  void whatIsNotAHandoverOfThisAgentIsIgnored() {
    for (String value : List.of("", "none", "DPS", "dps,", "dps,yesterday", "dps," + AT + ",x")) {
      assertEquals(
          Optional.empty(),
          LeanRestart.Handover.in(Map.of(LeanRestart.HANDOVER, value)),
          "'" + value + "'");
    }
    assertEquals(Optional.empty(), LeanRestart.Handover.in(Map.of()));
  }

  @Test
  void onlyTheLaunchersSwitchTurnsItOn() {
    assertEquals(
        Optional.of(LeanRestart.QUIET),
        LeanRestart.of(Map.of(LeanRestart.SWITCH, "on")).map(LeanRestart::quiet));
    assertEquals(
        Optional.of(Duration.ofSeconds(2)),
        LeanRestart.of(Map.of(LeanRestart.SWITCH, "2")).map(LeanRestart::quiet));
    assertEquals(
        Optional.of(Duration.ZERO),
        LeanRestart.of(Map.of(LeanRestart.SWITCH, "0")).map(LeanRestart::quiet));
    for (String value : List.of("off", "", "yes", "ON", "-1", "3601", "1.5")) {
      assertEquals(
          Optional.empty(), LeanRestart.of(Map.of(LeanRestart.SWITCH, value)), "'" + value + "'");
    }
    assertEquals(Optional.empty(), LeanRestart.of(Map.of()), "a JVM not started by the launcher");
  }
}
