package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.agent.AgentException;
import org.junit.jupiter.api.Test;

/** The rules for identifiers DPS sends, which reach paths, topics, files and log lines. */
class DpsValuesTest {

  /** One of the checks, which passes a value on as it is or refuses it. */
  private interface Check {
    String apply(String value) throws AgentException;
  }

  private static void assertAccepted(Check check, String... values) throws AgentException {
    for (String ok : values) {
      assertEquals(ok, check.apply(ok));
    }
  }

  /** Each value is refused as DPS misbehaving, so the run fails with exit code 4. */
  private static void assertRefused(Check check, String... values) {
    for (String bad : values) {
      refusal(check, bad);
    }
  }

  /** The refusal of {@code bad}, asserted to be one of DPS misbehaving. */
  private static String refusal(Check check, String bad) {
    AgentException e = assertThrows(AgentException.class, () -> check.apply(bad), bad);
    assertEquals(AgentException.Kind.REFUSED, e.kind(), bad);
    return e.getMessage();
  }

  @Test
  void hubHostNamesAreDnsNamesWithAnOptionalPort() throws Exception {
    assertAccepted(
        DpsValues::hubHostName,
        "contoso.azure-devices.net",
        "emulated-hub-1.azure-devices.net",
        "localhost",
        "hub-2.azure-devices.net:8443",
        "h.example.com:1",
        "a.b:65535",
        "x".repeat(63) + ".net");
    assertRefused(
        DpsValues::hubHostName,
        "",
        "../../etc/passwd",
        "hub/..",
        "hub\n.example",
        "hub\u001b[31m.net",
        "a..b",
        ".a",
        "a.",
        "-a.net",
        "a-.net",
        "a_b.net",
        "hub.net:",
        "hub.net:0",
        "hub.net:65536",
        "hub.net:+1",
        "hub.net:8443:1",
        "[::1]",
        "hub net",
        "hüb.net",
        "x".repeat(64) + ".net",
        ("a".repeat(50) + ".").repeat(6));
  }

  @Test
  void aHostileHubNameIsShownEscapedInTheRefusal() {
    assertEquals(
        "DPS answered with an invalid assignedHub 'evil\\n\\u001B[2Jhub'; expected a DNS host name with an"
            + " optional :port. The answer is not used",
        refusal(DpsValues::hubHostName, "evil\n\u001b[2Jhub"));
  }

  @Test
  void deviceIdsFollowTheIotHubRules() throws Exception {
    assertAccepted(DpsValues::deviceId, "Dev-1:.+%_#*?!(),=@;$'", "D".repeat(128));
    assertRefused(
        DpsValues::deviceId,
        "",
        "D".repeat(129),
        "../../etc/passwd",
        "dev/1",
        "dev\\1",
        "dev 1",
        "dev\n1",
        "dev\r",
        "dev\u001b",
        "dév",
        "dev\"1",
        "dev<1>",
        "dev&1",
        "dev`1",
        "dev{1}",
        "dev|1",
        "dev~1");
  }

  @Test
  void operationIdsAreBoundedTokens() throws Exception {
    assertAccepted(
        DpsValues::operationId, "4.d0a671905ea5b2c8.e7173b7b-0e54-4aa0-9d20-aeb1b89e6c7d");
    assertRefused(
        DpsValues::operationId,
        "",
        "../../x",
        "op/1",
        "op?x=1",
        "op&rid=2",
        "op#",
        "op 1",
        "op\n",
        "o".repeat(129),
        "op%2F");
  }

  @Test
  void substatusAndRegistrationIdAreChecked() throws Exception {
    assertAccepted(DpsValues::substatus, "reprovisionedToInitialAssignment");
    assertAccepted(DpsValues::registrationId, "gw-0042");
    assertRefused(DpsValues::substatus, "initial\nAssignment");
    assertEquals(
        "DPS answered with an invalid registrationId '../gw\\u001B'; expected a registration ID"
            + " (letters, digits and - . _ :). The answer is not used",
        refusal(DpsValues::registrationId, "../gw\u001b"));
  }
}
