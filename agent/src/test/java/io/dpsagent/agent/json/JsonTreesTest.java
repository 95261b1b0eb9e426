package io.dpsagent.agent.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trees and text are the ones the mappers they replace make, node type for node type. */
class JsonTreesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper INDENTING =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"registrationId\":\"dev-1\",\"payload\":{\"a\":[1,2.5,-3e-7,true,false,null]}}",
        "{\"int\":2147483647,\"long\":2147483648,\"big\":123456789012345678901234567890}",
        "{\"float\":1.0,\"tiny\":4.9E-324,\"neg\":-0.0,\"exp\":1e300}",
        "{\"escapes\":\"tab\\t nl\\n quote\\\" slash\\\\ \\u0001 \\u00e9 \\ud83d\\ude00\"}",
        "{\"empty\":{},\"none\":[],\"nested\":[[{}],[[]]],\"dup\":1,\"dup\":2}",
        "[1,\"two\",{\"three\":3}]",
        "\"just a string\"",
        "42",
        "{\"trailing\":true} and then text"
      })
  void readsAndWritesAsObjectMapperDoes(String text) throws Exception {
    JsonNode expected = MAPPER.readTree(text);

    JsonNode fromString = JsonTrees.parse(text);
    JsonNode fromBytes = JsonTrees.parse(text.getBytes(StandardCharsets.UTF_8));

    assertEquals(expected, fromString);
    assertEquals(expected, fromBytes);
    assertSameNodeTypes(expected, fromString);
    assertEquals(MAPPER.writeValueAsString(expected), JsonTrees.write(fromString));
    assertEquals(INDENTING.writeValueAsString(expected), JsonTrees.writeIndented(fromString));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n"})
  void nothingToReadIsAMissingNodeAsWithObjectMapper(String text) throws Exception {
    assertEquals(MAPPER.readTree(text), JsonTrees.parse(text));
    assertTrue(JsonTrees.parse(text).isMissingNode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{\"a\":}", "{'a':1}", "[1,]", "nul"})
  void invalidJsonFailsWithTheParsersMessage(String text) {
    JsonProcessingException expected =
        assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(text));
    JsonProcessingException actual =
        assertThrows(JsonProcessingException.class, () -> JsonTrees.parse(text));
    assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        """
        [provisioning]
        global_endpoint = "https://127.0.0.1:8443"
        id_scope = "0ne00000042"
        [provisioning.retry]
        max_attempts = 3
        initial_backoff_ms = 2147483648
        big = 123456789012345678901234567890
        ratio = 0.5
        [provisioning.attestation]
        method = "symmetric_key"
        symmetric_key = { uri = "file:///etc/dps-agent/device.key" }
        [output.post_provision_hook]
        command = ["/usr/bin/systemctl", "restart", "app"]
        when = 1979-05-27T07:32:00Z
        [[tables]]
        a = true
        [[tables]]
        b = false
        """,
        "",
        "# only a comment\n"
      })
  void readsTomlAsTomlMapperDoes(String text) throws Exception {
    JsonNode expected = new TomlMapper().readTree(text);

    JsonNode actual = JsonTrees.parseToml(text);

    assertEquals(expected, actual);
    assertSameNodeTypes(expected, actual);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a = ", "[table\nkey = 1", "a = 1\na = 2", "key = \"unterminated"})
  void invalidTomlFailsWithTheParsersMessageAndLine(String text) {
    JsonProcessingException expected =
        assertThrows(JsonProcessingException.class, () -> new TomlMapper().readTree(text));
    JsonProcessingException actual =
        assertThrows(JsonProcessingException.class, () -> JsonTrees.parseToml(text));
    assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage());
    assertEquals(expected.getLocation().getLineNr(), actual.getLocation().getLineNr());
  }

  private static void assertSameNodeTypes(JsonNode expected, JsonNode actual) {
    assertEquals(expected.getClass(), actual.getClass(), expected.toString());
    assertEquals(expected.size(), actual.size());
    if (expected.isObject()) {
      expected
          .fieldNames()
          .forEachRemaining(n -> assertSameNodeTypes(expected.get(n), actual.get(n)));
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameNodeTypes(expected.get(i), actual.get(i));
      }
    }
  }
}
