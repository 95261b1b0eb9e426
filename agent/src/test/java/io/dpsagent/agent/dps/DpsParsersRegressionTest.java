package io.dpsagent.agent.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bugs the fuzz targets found in the DPS answer parsers: outside text reached messages raw. */
class DpsParsersRegressionTest {

  /** The refusal of {@code body} as an operation status. */
  private static String statusRefusal(String body) {
    return assertThrows(MalformedResponseException.class, () -> DpsMessages.operationStatus(body))
        .getMessage();
  }

  @Test
  void anUnknownStatusIsShownEscapedNotRaw() {
    assertEquals(
        "DPS response has unknown status 'assigned\\u001B[2J\\n'",
        statusRefusal("{\"status\":\"assigned\\u001b[2J\\n\"}"));
  }

  @Test
  void aJsonErrorDoesNotRepeatControlCharactersOfTheBody() {
    String message = statusRefusal("{\"status\": tru\u001be}");
    assertFalse(message.contains("\u001b"), message);
    assertTrue(message.startsWith("DPS response is not valid JSON: "), message);
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
