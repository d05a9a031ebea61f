package io.github.ollamalmstudioproxy.translate.responses;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.translate.ToolCallOut;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesRequest.Echo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes Responses stream events ({@code event: <type>\ndata: <json>\n\n}, {@code type} then
 * {@code sequence_number} first in every payload) and the Response object. One generator and one buffer serve the
 * whole stream; each call returns a fresh array the caller owns. The Response object has Ollama's fields
 * ({@code ToResponse}/{@code buildResponseObject} in {@code openai/responses.go}) in the order of OpenAI's
 * reference; fields without a value are {@code null}, never absent, as the OpenAI SDK's types declare them.
 */
final class ResponsesWriter {
  /** An output item: {@code kind} {@code reasoning} or {@code message} with its text, or a function call. */
  record Item(String kind, String id, String text, ToolCallOut call, boolean incomplete) {}

  /** Token counts for {@code usage}; both -1 when the backend reported none (then {@code usage} is null). */
  record Usage(long input, long output) {}

  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString SEQUENCE = new SerializedString("sequence_number");
  private static final SerializedString ITEM_ID = new SerializedString("item_id");
  private static final SerializedString OUTPUT_INDEX = new SerializedString("output_index");
  private static final SerializedString CONTENT_INDEX = new SerializedString("content_index");
  private static final SerializedString SUMMARY_INDEX = new SerializedString("summary_index");
  private static final SerializedString DELTA = new SerializedString("delta");
  private static final SerializedString LOGPROBS = new SerializedString("logprobs");
  private static final byte[] TEXT_DELTA = "event: response.output_text.delta\ndata: ".getBytes(UTF_8);
  private static final byte[] SUMMARY_DELTA = "event: response.reasoning_summary_text.delta\ndata: ".getBytes(UTF_8);

  private final String id;
  private final String model;
  private final long createdAt;
  private final Echo echo;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final JsonGenerator gen;

  ResponsesWriter(String id, String model, long createdAt, Echo echo) {
    this.id = id;
    this.model = model;
    this.createdAt = createdAt;
    this.echo = echo;
    try {
      this.gen = Json.FACTORY.createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gen.setRootValueSeparator(null);
  }

  /** {@code response.created}, {@code response.in_progress}, {@code response.completed}, … with the object. */
  byte[] lifecycle(String type, int seq, String status, List<Item> output, Usage usage, long completedAt,
      String errorCode, String errorMessage) {
    try {
      start(type, seq);
      gen.writeFieldName("response");
      response(status, output, usage, completedAt, errorCode, errorMessage);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.output_item.added} ({@code done} false) or {@code .done}. */
  byte[] itemEvent(int seq, boolean done, int outputIndex, Item item) {
    try {
      start(done ? "response.output_item.done" : "response.output_item.added", seq);
      gen.writeFieldName(OUTPUT_INDEX);
      gen.writeNumber(outputIndex);
      gen.writeFieldName("item");
      item(item, done);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.content_part.added} (text null) or {@code .done} of a message's one output_text part. */
  byte[] contentPart(int seq, String itemId, int outputIndex, String text) {
    try {
      start(text == null ? "response.content_part.added" : "response.content_part.done", seq);
      indices(itemId, outputIndex);
      gen.writeFieldName(CONTENT_INDEX);
      gen.writeNumber(0);
      gen.writeFieldName("part");
      outputText(text == null ? "" : text);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.reasoning_summary_part.added} (text null) or {@code .done}. */
  byte[] summaryPart(int seq, String itemId, int outputIndex, String text) {
    try {
      start(text == null ? "response.reasoning_summary_part.added" : "response.reasoning_summary_part.done", seq);
      indices(itemId, outputIndex);
      gen.writeFieldName(SUMMARY_INDEX);
      gen.writeNumber(0);
      gen.writeObjectFieldStart("part");
      gen.writeStringField("type", "summary_text");
      gen.writeStringField("text", text == null ? "" : text);
      gen.writeEndObject();
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.output_text.delta} or {@code response.reasoning_summary_text.delta}: the per-token event. */
  byte[] delta(int seq, boolean summary, String itemId, int outputIndex, String text) {
    try {
      gen.flush();
      buffer.write(summary ? SUMMARY_DELTA : TEXT_DELTA);
      gen.writeStartObject();
      gen.writeFieldName(TYPE);
      gen.writeString(summary ? "response.reasoning_summary_text.delta" : "response.output_text.delta");
      gen.writeFieldName(SEQUENCE);
      gen.writeNumber(seq);
      indices(itemId, outputIndex);
      gen.writeFieldName(summary ? SUMMARY_INDEX : CONTENT_INDEX);
      gen.writeNumber(0);
      gen.writeFieldName(DELTA);
      gen.writeString(text);
      if (!summary) {
        gen.writeFieldName(LOGPROBS);
        gen.writeStartArray();
        gen.writeEndArray();
      }
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.output_text.done} or {@code response.reasoning_summary_text.done}. */
  byte[] textDone(int seq, boolean summary, String itemId, int outputIndex, String text) {
    try {
      start(summary ? "response.reasoning_summary_text.done" : "response.output_text.done", seq);
      indices(itemId, outputIndex);
      gen.writeFieldName(summary ? SUMMARY_INDEX : CONTENT_INDEX);
      gen.writeNumber(0);
      gen.writeStringField("text", text);
      if (!summary) {
        gen.writeFieldName(LOGPROBS);
        gen.writeStartArray();
        gen.writeEndArray();
      }
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code response.function_call_arguments.delta} ({@code done} false) or {@code .done}. */
  byte[] arguments(int seq, boolean done, String itemId, int outputIndex, String arguments) {
    try {
      start(done ? "response.function_call_arguments.done" : "response.function_call_arguments.delta", seq);
      indices(itemId, outputIndex);
      gen.writeStringField(done ? "arguments" : "delta", arguments);
      return end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-streaming answer: the Response object, no trailing newline. */
  byte[] body(String status, List<Item> output, Usage usage, long completedAt) {
    try {
      gen.flush();
      response(status, output, usage, completedAt, null, null);
      gen.flush();
      byte[] out = buffer.toByteArray();
      buffer.reset();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The arguments without the backend's whitespace. */
  static String compact(String json) {
    StringWriter out = new StringWriter(json.length());
    try (JsonParser p = Json.FACTORY.createParser(json); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      p.nextToken();
      g.copyCurrentStructure(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private void response(String status, List<Item> output, Usage usage, long completedAt, String errorCode,
      String errorMessage) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("id", id);
    gen.writeStringField("object", "response");
    gen.writeNumberField("created_at", createdAt);
    if (completedAt > 0) {
      gen.writeNumberField("completed_at", completedAt);
    } else {
      gen.writeNullField("completed_at");
    }
    gen.writeStringField("status", status);
    if (status.equals("incomplete")) {
      gen.writeObjectFieldStart("incomplete_details");
      gen.writeStringField("reason", "max_output_tokens");
      gen.writeEndObject();
    } else {
      gen.writeNullField("incomplete_details");
    }
    gen.writeStringField("model", model);
    gen.writeNullField("previous_response_id");
    if (echo.instructions() == null) {
      gen.writeNullField("instructions");
    } else {
      gen.writeStringField("instructions", echo.instructions());
    }
    gen.writeArrayFieldStart("output");
    for (Item item : output) {
      item(item, true);
    }
    gen.writeEndArray();
    if (errorMessage == null) {
      gen.writeNullField("error");
    } else {
      gen.writeObjectFieldStart("error");
      gen.writeStringField("code", errorCode);
      gen.writeStringField("message", errorMessage);
      gen.writeEndObject();
    }
    gen.writeFieldName("tools");
    gen.writeTree(echo.tools());
    gen.writeFieldName("tool_choice");
    gen.writeTree(echo.toolChoice());
    gen.writeStringField("truncation", echo.truncation());
    gen.writeBooleanField("parallel_tool_calls", echo.parallelToolCalls());
    gen.writeObjectFieldStart("text");
    gen.writeFieldName("format");
    gen.writeTree(echo.textFormat());
    gen.writeEndObject();
    gen.writeNumberField("top_p", echo.topP());
    gen.writeNumberField("presence_penalty", 0);
    gen.writeNumberField("frequency_penalty", 0);
    gen.writeNumberField("top_logprobs", 0);
    gen.writeNumberField("temperature", echo.temperature());
    gen.writeFieldName("reasoning");
    if (echo.reasoning() == null) {
      gen.writeNull();
    } else {
      gen.writeTree(echo.reasoning());
    }
    gen.writeFieldName("usage");
    if (usage == null || (usage.input() < 0 && usage.output() < 0)) {
      gen.writeNull();
    } else {
      long in = Math.max(0, usage.input());
      long out = Math.max(0, usage.output());
      gen.writeStartObject();
      gen.writeNumberField("input_tokens", in);
      gen.writeObjectFieldStart("input_tokens_details");
      gen.writeNumberField("cached_tokens", 0);
      gen.writeEndObject();
      gen.writeNumberField("output_tokens", out);
      gen.writeObjectFieldStart("output_tokens_details");
      gen.writeNumberField("reasoning_tokens", 0);
      gen.writeEndObject();
      gen.writeNumberField("total_tokens", in + out);
      gen.writeEndObject();
    }
    if (echo.maxOutputTokens() >= 0) {
      gen.writeNumberField("max_output_tokens", echo.maxOutputTokens());
    } else {
      gen.writeNullField("max_output_tokens");
    }
    gen.writeNullField("max_tool_calls");
    gen.writeBooleanField("store", false);
    gen.writeBooleanField("background", false);
    gen.writeStringField("service_tier", "default");
    gen.writeObjectFieldStart("metadata");
    gen.writeEndObject();
    gen.writeNullField("safety_identifier");
    gen.writeNullField("prompt_cache_key");
    gen.writeEndObject();
  }

  /** An output item as added ({@code done} false: empty, in progress) or done (whole). */
  private void item(Item item, boolean done) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("id", item.id());
    switch (item.kind()) {
      case "reasoning":
        gen.writeStringField("type", "reasoning");
        gen.writeArrayFieldStart("summary");
        if (done) {
          gen.writeStartObject();
          gen.writeStringField("type", "summary_text");
          gen.writeStringField("text", item.text());
          gen.writeEndObject();
        }
        gen.writeEndArray();
        break;
      case "message":
        gen.writeStringField("type", "message");
        gen.writeStringField("status", !done ? "in_progress" : item.incomplete() ? "incomplete" : "completed");
        gen.writeStringField("role", "assistant");
        gen.writeArrayFieldStart("content");
        if (done) {
          outputText(item.text());
        }
        gen.writeEndArray();
        break;
      default:
        gen.writeStringField("type", "function_call");
        gen.writeStringField("status", done ? "completed" : "in_progress");
        gen.writeStringField("call_id", item.call().id());
        gen.writeStringField("name", item.call().name() == null ? "" : item.call().name());
        gen.writeStringField("arguments", done ? item.text() : "");
        break;
    }
    gen.writeEndObject();
  }

  private void outputText(String text) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("type", "output_text");
    gen.writeStringField("text", text);
    gen.writeArrayFieldStart("annotations");
    gen.writeEndArray();
    gen.writeFieldName(LOGPROBS);
    gen.writeStartArray();
    gen.writeEndArray();
    gen.writeEndObject();
  }

  private void indices(String itemId, int outputIndex) throws IOException {
    gen.writeFieldName(ITEM_ID);
    gen.writeString(itemId);
    gen.writeFieldName(OUTPUT_INDEX);
    gen.writeNumber(outputIndex);
  }

  private void start(String type, int seq) throws IOException {
    gen.flush();
    buffer.write(("event: " + type + "\ndata: ").getBytes(UTF_8));
    gen.writeStartObject();
    gen.writeFieldName(TYPE);
    gen.writeString(type);
    gen.writeFieldName(SEQUENCE);
    gen.writeNumber(seq);
  }

  private byte[] end() throws IOException {
    gen.writeEndObject();
    gen.flush();
    buffer.write('\n');
    buffer.write('\n');
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }
}
