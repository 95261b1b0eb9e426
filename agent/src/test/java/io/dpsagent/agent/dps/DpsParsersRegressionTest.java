package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bugs the fuzz targets found in the DPS answer parsers: outside text reached messages raw. */
class DpsParsersRegressionTest {

  @Test
  void anUnknownStatusIsShownEscapedNotRaw() {
    MalformedResponseException e =
        assertThrows(
            MalformedResponseException.class,
            () -> DpsMessages.operationStatus("{\"status\":\"assigned\\u001b[2J\\n\"}"));
    assertEquals("DPS response has unknown status 'assigned\\u001B[2J\\n'", e.getMessage());
  }

  @Test
  void aJsonErrorDoesNotRepeatControlCharactersOfTheBody() {
    MalformedResponseException e =
        assertThrows(
            MalformedResponseException.class,
            () -> DpsMessages.operationStatus("{\"status\": tru\u001be}"));
    assertEquals(false, e.getMessage().contains("\u001b"), e.getMessage());
    assertEquals(
        true, e.getMessage().startsWith("DPS response is not valid JSON: "), e.getMessage());
  }

  @Test
  void anErrorBodysMessageAndTrackingIdAreEscaped() {
    DpsErrorBody error =
        DpsMessages.errorBody(
            "{\"errorCode\":400004,\"message\":\"bad\\u001b[31m\\r\\nINFO fake\","
                + "\"trackingId\":\"t\\u0007\"}");
    assertEquals(
        "errorCode 400004: bad\\u001B[31m INFO fake (tracking ID t\\u0007)", error.describe());
  }
}
