package io.github.ollamalmstudioproxy.translate.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.translate.ToolCallOut;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes Anthropic stream events ({@code event: <type>\ndata: <json>\n\n}) and the non-streaming message body. One
 * generator and one buffer serve the whole stream; each call returns a fresh array the caller owns. Field order and
 * presence follow Anthropic's wire (and so what {@code @anthropic-ai/sdk}'s {@code MessageStream} accumulates):
 * {@code stop_reason} and {@code stop_sequence} are {@code null}, not absent, until known; a text block starts with
 * {@code "text":""} and a thinking block with {@code "thinking":""} and {@code "signature":""}, because the SDK
 * appends the deltas to those fields.
 */
final class AnthropicWriter {
  static final String TEXT = "text";
  static final String THINKING = "thinking";

  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString INDEX = new SerializedString("index");
  private static final SerializedString DELTA = new SerializedString("delta");
  private static final byte[] DELTA_PREFIX = "event: content_block_delta\ndata: ".getBytes(UTF_8);

  private final String id;
  private final String model;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final JsonGenerator gen;

  AnthropicWriter(String id, String model) {
    this.id = id;
    this.model = model;
    try {
      this.gen = Json.FACTORY.createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gen.setRootValueSeparator(null);
  }

  byte[] messageStart(long inputTokens) {
    try {
      start("message_start");
      gen.writeFieldName("message");
      message(List.of(), null, inputTokens, 0);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kind} is {@link #TEXT} or {@link #THINKING}. */
  byte[] blockStart(int index, String kind) {
    try {
      start("content_block_start");
      gen.writeNumberField("index", index);
      gen.writeObjectFieldStart("content_block");
      gen.writeStringField("type", kind);
      gen.writeStringField(kind, "");
      if (kind.equals(THINKING)) {
        gen.writeStringField("signature", "");
      }
      gen.writeEndObject();
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A text or thinking delta: the per-token event. */
  byte[] delta(int index, String kind, String text) {
    try {
      gen.flush();
      buffer.write(DELTA_PREFIX);
      gen.writeStartObject();
      gen.writeFieldName(TYPE);
      gen.writeString("content_block_delta");
      gen.writeFieldName(INDEX);
      gen.writeNumber(index);
      gen.writeFieldName(DELTA);
      gen.writeStartObject();
      gen.writeFieldName(TYPE);
      gen.writeString(kind.equals(TEXT) ? "text_delta" : "thinking_delta");
      gen.writeStringField(kind, text);
      gen.writeEndObject();
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A whole tool call: its start (with {@code "input":{}}), one {@code input_json_delta}, its stop. */
  byte[][] toolUse(int index, ToolCallOut call) {
    try {
      start("content_block_start");
      gen.writeNumberField("index", index);
      gen.writeObjectFieldStart("content_block");
      gen.writeStringField("type", "tool_use");
      gen.writeStringField("id", call.id());
      gen.writeStringField("name", call.name() == null ? "" : call.name());
      gen.writeObjectFieldStart("input");
      gen.writeEndObject();
      gen.writeEndObject();
      byte[] start = end();
      start("content_block_delta");
      gen.writeNumberField("index", index);
      gen.writeObjectFieldStart("delta");
      gen.writeStringField("type", "input_json_delta");
      gen.writeStringField("partial_json", compact(call.argumentsJson()));
      gen.writeEndObject();
      byte[] delta = end();
      return new byte[][] {start, delta, blockStop(index)};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] blockStop(int index) {
    try {
      start("content_block_stop");
      gen.writeNumberField("index", index);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The final usage: {@code input_tokens} when the backend reported it (the SDK then overwrites the placeholder of
   * {@code message_start}); {@code output_tokens} is required, so 0 when the backend reported none.
   */
  byte[] messageDelta(String stopReason, long inputTokens, long outputTokens) {
    try {
      start("message_delta");
      gen.writeObjectFieldStart("delta");
      gen.writeStringField("stop_reason", stopReason);
      gen.writeNullField("stop_sequence");
      gen.writeEndObject();
      gen.writeObjectFieldStart("usage");
      if (inputTokens >= 0) {
        gen.writeNumberField("input_tokens", inputTokens);
      }
      gen.writeNumberField("output_tokens", Math.max(0, outputTokens));
      gen.writeEndObject();
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] messageStop() {
    try {
      start("message_stop");
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-streaming answer: one JSON object, no trailing newline. */
  byte[] body(List<Block> blocks, String stopReason, long inputTokens, long outputTokens) {
    try {
      gen.flush();
      message(blocks, stopReason, inputTokens, outputTokens);
      gen.flush();
      byte[] out = buffer.toByteArray();
      buffer.reset();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One content block of the non-streaming answer: text or thinking with its text, or a tool call. */
  record Block(String kind, StringBuilder text, ToolCallOut call) {}

  private void message(List<Block> blocks, String stopReason, long inputTokens, long outputTokens)
      throws IOException {
    gen.writeStartObject();
    gen.writeStringField("id", id);
    gen.writeStringField("type", "message");
    gen.writeStringField("role", "assistant");
    gen.writeStringField("model", model);
    gen.writeArrayFieldStart("content");
    for (Block block : blocks) {
      gen.writeStartObject();
      if (block.call() != null) {
        gen.writeStringField("type", "tool_use");
        gen.writeStringField("id", block.call().id());
        gen.writeStringField("name", block.call().name() == null ? "" : block.call().name());
        gen.writeFieldName("input");
        try (JsonParser p = Json.FACTORY.createParser(block.call().argumentsJson())) {
          p.nextToken();
          gen.copyCurrentStructure(p);
        }
      } else {
        gen.writeStringField("type", block.kind());
        gen.writeStringField(block.kind(), block.text().toString());
        if (block.kind().equals(THINKING)) {
          gen.writeStringField("signature", "");
        }
      }
      gen.writeEndObject();
    }
    gen.writeEndArray();
    if (stopReason == null) {
      gen.writeNullField("stop_reason");
    } else {
      gen.writeStringField("stop_reason", stopReason);
    }
    gen.writeNullField("stop_sequence");
    gen.writeObjectFieldStart("usage");
    gen.writeNumberField("input_tokens", Math.max(0, inputTokens));
    gen.writeNumberField("output_tokens", Math.max(0, outputTokens));
    gen.writeEndObject();
    gen.writeEndObject();
  }

  private void start(String type) throws IOException {
    gen.flush();
    buffer.write(("event: " + type + "\ndata: ").getBytes(UTF_8));
    gen.writeStartObject();
    gen.writeFieldName(TYPE);
    gen.writeString(type);
  }

  /** Closes the event's object and its SSE framing. */
  private byte[] end() throws IOException {
    gen.writeEndObject();
    gen.flush();
    buffer.write('\n');
    buffer.write('\n');
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }

  /** The arguments without the backend's whitespace (one {@code input_json_delta}, as Ollama sends). */
  private static String compact(String json) throws IOException {
    StringWriter out = new StringWriter(json.length());
    try (JsonParser p = Json.FACTORY.createParser(json); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      p.nextToken();
      g.copyCurrentStructure(p);
    }
    return out.toString();
  }
}
