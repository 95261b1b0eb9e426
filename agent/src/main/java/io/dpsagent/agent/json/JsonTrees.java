package io.dpsagent.agent.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON and TOML text to and from Jackson trees with the streaming parser and generator only.
 *
 * <p>An {@code ObjectMapper} (a {@code TomlMapper} too) costs tens of milliseconds to make in a new
 * process, more than {@code dps-agent status} may take in all (docs/benchmarks.md), and the agent
 * only ever reads and writes trees. The trees are the ones {@code ObjectMapper.readTree} builds
 * (the same node for each number type) and the text is what {@code writeValueAsString} writes.
 */
public final class JsonTrees {

  private static final JsonFactory JSON = new JsonFactory();
  private static final TomlFactory TOML = new TomlFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /** The first JSON value in {@code text}; a {@link MissingNode} when there is none. */
  public static JsonNode parse(byte[] text) throws JsonProcessingException {
    try (JsonParser parser = JSON.createParser(text)) {
      return read(parser);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // bytes in memory do not fail to read
    }
  }

  /** The first JSON value in {@code text}; a {@link MissingNode} when there is none. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    try (JsonParser parser = JSON.createParser(text)) {
      return read(parser);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TOML document as its root table. */
  public static ObjectNode parseToml(String text) throws JsonProcessingException {
    try (JsonParser parser = TOML.createParser(text)) {
      return read(parser) instanceof ObjectNode table ? table : NODES.objectNode();
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compact JSON text. */
  public static String write(JsonNode node) {
    return write(node, false);
  }

  /** JSON text indented as {@code SerializationFeature.INDENT_OUTPUT} does it. */
  public static String writeIndented(JsonNode node) {
    return write(node, true);
  }

  private static String write(JsonNode node, boolean indented) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.createGenerator(text)) {
      if (indented) {
        out.useDefaultPrettyPrinter();
      }
      write(out, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  private static JsonNode read(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    return first == null ? MissingNode.getInstance() : value(parser, first);
  }

  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> integer(parser);
      case VALUE_NUMBER_FLOAT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
              ? NODES.numberNode(parser.getDecimalValue())
              : NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(parser.getEmbeddedObject());
      default -> throw new IllegalStateException("no value starts with " + token);
    };
  }

  private static ObjectNode object(JsonParser parser) throws IOException {
    ObjectNode object = NODES.objectNode();
    // nextFieldName, as ObjectMapper reads, so that a bad value fails with the same message.
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      object.set(name, value(parser, parser.nextToken()));
    }
    return object;
  }

  private static ArrayNode array(JsonParser parser) throws IOException {
    ArrayNode array = NODES.arrayNode();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      array.add(value(parser, t));
    }
    return array;
  }

  private static JsonNode integer(JsonParser parser) throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private static void write(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          out.writeFieldName(field.getKey());
          write(out, field.getValue());
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode element : node) {
          write(out, element);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NUMBER -> number(out, node);
      case BINARY -> out.writeBinary(node.binaryValue());
      case NULL -> out.writeNull();
      default -> throw new IllegalArgumentException("no JSON text for a " + node.getNodeType());
    }
  }

  private static void number(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.numberType()) {
      case INT -> out.writeNumber(node.intValue());
      case LONG -> out.writeNumber(node.longValue());
      case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
      case FLOAT -> out.writeNumber(node.floatValue());
      case DOUBLE -> out.writeNumber(node.doubleValue());
      default -> out.writeNumber(node.decimalValue());
    }
  }
}
