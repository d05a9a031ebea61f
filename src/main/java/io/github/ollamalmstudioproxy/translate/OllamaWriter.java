package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;

/**
 * Writes Ollama response objects as compact UTF-8 JSON. One generator and one buffer serve the whole stream; each
 * call returns a fresh array the caller owns. Field order follows Ollama's Go structs.
 */
final class OllamaWriter {
  private static final SerializedString MODEL = new SerializedString("model");
  private static final SerializedString CREATED_AT = new SerializedString("created_at");
  private static final SerializedString MESSAGE = new SerializedString("message");
  private static final SerializedString ROLE = new SerializedString("role");
  private static final SerializedString ASSISTANT = new SerializedString("assistant");
  private static final SerializedString CONTENT = new SerializedString("content");
  private static final SerializedString RESPONSE = new SerializedString("response");
  private static final SerializedString THINKING = new SerializedString("thinking");
  private static final SerializedString TOOL_CALLS = new SerializedString("tool_calls");
  private static final SerializedString DONE = new SerializedString("done");
  private static final SerializedString LOGPROBS = new SerializedString("logprobs");

  private final StreamSettings settings;
  private final Clock clock;
  private final SerializedString model;
  private final CreatedAt createdAt = new CreatedAt();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
  private final JsonGenerator gen;

  OllamaWriter(StreamSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.model = new SerializedString(settings.clientModel());
    try {
      this.gen = Json.FACTORY.createGenerator(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    gen.setRootValueSeparator(null);
  }

  /** A {@code done:false} line carrying a piece of output and the log probabilities of its tokens. */
  byte[] piece(String content, String thinking, List<TokenLogprob> logprobs) {
    try {
      head();
      body(content, thinking, List.of());
      gen.writeFieldName(DONE);
      gen.writeBoolean(false);
      logprobs(logprobs);
      gen.writeEndObject();
      return end(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code done:false} line with all tool calls and empty content. */
  byte[] toolCalls(List<ToolCallOut> calls) {
    try {
      head();
      body("", null, calls);
      gen.writeFieldName(DONE);
      gen.writeBoolean(false);
      gen.writeEndObject();
      return end(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code done:true} object: an NDJSON line, or (with {@code line} false) a whole non-streaming body. Chat puts
   * {@code logprobs} before the metrics, generate after them: the order of Ollama's {@code ChatResponse} and
   * {@code GenerateResponse} ({@code api/types.go} lines 544-548 and 923-929). A cut-off answer says
   * {@code done:false}: the stream ends without a {@code done:true}, as when Ollama's connection closes.
   */
  byte[] done(String content, String thinking, List<ToolCallOut> calls, List<TokenLogprob> logprobs, FinalStats f,
      boolean line) {
    try {
      head();
      body(content, thinking, calls);
      gen.writeFieldName(DONE);
      gen.writeBoolean(!f.cancelled());
      gen.writeStringField("done_reason", f.doneReason());
      if (settings.emptyContext() && !f.cancelled()) {
        // Ollama's token ids (prompt + answer) would go here; the proxy has none, and an empty array says so.
        gen.writeArrayFieldStart("context");
        gen.writeEndArray();
      }
      if (f.cancelled()) {
        gen.writeBooleanField("cancelled", true);
        gen.writeBooleanField("partial_response", f.partialResponse());
        gen.writeStringField("error", StreamTranslator.CUT_OFF);
      }
      boolean chat = settings.shape() == StreamSettings.Shape.CHAT;
      if (chat) {
        logprobs(logprobs);
      }
      positive("total_duration", f.totalDuration());
      if (f.loadDuration() != FinalStats.NOT_MEASURED) {
        // Measured on every answer, as Ollama's checkpointLoaded - checkpointStart is: a zero is a measurement too.
        gen.writeNumberField("load_duration", Math.max(0, f.loadDuration()));
      }
      positive("prompt_eval_count", f.promptEvalCount());
      positive("prompt_eval_duration", f.promptEvalDuration());
      positive("eval_count", f.evalCount());
      positive("eval_duration", f.evalDuration());
      if (!chat) {
        logprobs(logprobs);
      }
      gen.writeEndObject();
      return end(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"error":"<message>"}} as one line. */
  byte[] error(String message) {
    try {
      gen.writeStartObject();
      gen.writeStringField("error", message);
      gen.writeEndObject();
      return end(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The stream is over: the generator's buffers go back to Jackson's per-thread pool, so the next stream on this
   * event loop takes them instead of allocating its own (several KB per stream). Nothing is written after this.
   */
  void release() {
    try {
      gen.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void head() throws IOException {
    gen.writeStartObject();
    gen.writeFieldName(MODEL);
    gen.writeString(model);
    gen.writeFieldName(CREATED_AT);
    int len = createdAt.format(clock.instant());
    gen.writeString(createdAt.chars, 0, len);
  }

  /** Chat: {@code message:{role, content, thinking?, tool_calls?}}; generate: the same fields at the top level. */
  private void body(String content, String thinking, List<ToolCallOut> calls) throws IOException {
    boolean chat = settings.shape() == StreamSettings.Shape.CHAT;
    if (chat) {
      gen.writeFieldName(MESSAGE);
      gen.writeStartObject();
      gen.writeFieldName(ROLE);
      gen.writeString(ASSISTANT);
      gen.writeFieldName(CONTENT);
    } else {
      gen.writeFieldName(RESPONSE);
    }
    gen.writeString(content == null ? "" : content);
    if (thinking != null && !thinking.isEmpty()) {
      gen.writeFieldName(THINKING);
      gen.writeString(thinking);
    }
    if (!calls.isEmpty()) {
      gen.writeFieldName(TOOL_CALLS);
      gen.writeStartArray();
      for (int i = 0; i < calls.size(); i++) {
        toolCall(calls.get(i), i);
      }
      gen.writeEndArray();
    }
    if (chat) {
      gen.writeEndObject();
    }
  }

  /** Ollama's shape: no {@code type}; {@code function.index} always present; {@code arguments} an object. */
  private void toolCall(ToolCallOut call, int index) throws IOException {
    gen.writeStartObject();
    if (call.id() != null) {
      gen.writeStringField("id", call.id());
    }
    gen.writeObjectFieldStart("function");
    gen.writeNumberField("index", index);
    gen.writeStringField("name", call.name() == null ? "" : call.name());
    gen.writeFieldName("arguments");
    // Re-serialised rather than copied raw: the backend's text may hold newlines, which would split the NDJSON line.
    try (JsonParser p = Json.FACTORY.createParser(call.argumentsJson())) {
      p.nextToken();
      gen.copyCurrentStructureExact(p);
    }
    gen.writeEndObject();
    gen.writeEndObject();
  }

  /** {@code logprobs} when there are any (Ollama's {@code omitempty}); the numbers as the backend wrote them. */
  private void logprobs(List<TokenLogprob> logprobs) throws IOException {
    if (logprobs.isEmpty()) {
      return;
    }
    gen.writeFieldName(LOGPROBS);
    gen.writeStartArray();
    for (TokenLogprob t : logprobs) {
      tokenLogprob(t);
    }
    gen.writeEndArray();
  }

  /** {@code {token, logprob, bytes?, top_logprobs?}}: the field order of Ollama's {@code Logprob}. */
  private void tokenLogprob(TokenLogprob t) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("token", t.token());
    gen.writeFieldName("logprob");
    gen.writeNumber(t.logprob());
    if (t.bytes().length > 0) {
      gen.writeFieldName("bytes");
      gen.writeStartArray();
      for (byte b : t.bytes()) {
        gen.writeNumber(b & 0xff);
      }
      gen.writeEndArray();
    }
    if (!t.top().isEmpty()) {
      gen.writeFieldName("top_logprobs");
      gen.writeStartArray();
      for (TokenLogprob alt : t.top()) {
        tokenLogprob(alt);
      }
      gen.writeEndArray();
    }
    gen.writeEndObject();
  }

  private void positive(String field, long value) throws IOException {
    if (value > 0) {
      gen.writeNumberField(field, value);
    }
  }

  private byte[] end(boolean line) throws IOException {
    if (line) {
      gen.writeRaw('\n');
    }
    gen.flush();
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }
}
