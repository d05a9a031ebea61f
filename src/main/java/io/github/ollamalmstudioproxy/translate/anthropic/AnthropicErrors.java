package io.github.ollamalmstudioproxy.translate.anthropic;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Any failure ({@link OllamaError}: a validation error, a backend error, a broken stream) in Anthropic's error shape,
 * {@code {"type":"error","error":{"type":…,"message":…}}}, the type chosen from the status as Ollama's
 * {@code anthropic.NewError} chooses it. The transport writes {@link #body} with {@code failure.status()} before the
 * first byte of an answer, and {@link #event} after it.
 *
 * <p>A prompt that does not fit the model's context is an {@code invalid_request_error} whose message starts with
 * Anthropic's own words, {@code prompt is too long: }, whatever its status: that is what Claude Code reacts to by
 * compacting the conversation.
 */
public final class AnthropicErrors {
  static final String PROMPT_TOO_LONG = "prompt is too long: ";

  private AnthropicErrors() {}

  /** Ollama's table, plus Anthropic's {@code request_too_large} for 413. */
  public static String type(int status) {
    switch (status) {
      case 400:
        return "invalid_request_error";
      case 401:
        return "authentication_error";
      case 403:
        return "permission_error";
      case 404:
        return "not_found_error";
      case 413:
        return "request_too_large";
      case 429:
        return "rate_limit_error";
      case 503:
      case 529:
        return "overloaded_error";
      default:
        return "api_error";
    }
  }

  /** The {@code application/json} error body, sent with status {@code failure.status()}. */
  public static byte[] body(OllamaError failure) {
    return body(failure, null);
  }

  /** The same with Anthropic's top-level {@code request_id} (the proxy's request id), when not null. */
  public static byte[] body(OllamaError failure, String requestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
      write(gen, failure);
      if (requestId != null) {
        gen.writeStringField("request_id", requestId);
      }
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The SSE event {@code event: error} for a stream that has started. */
  public static byte[] event(OllamaError failure) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    out.writeBytes("event: error\ndata: ".getBytes(UTF_8));
    try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
      write(gen, failure);
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.writeBytes("\n\n".getBytes(UTF_8));
    return out.toByteArray();
  }

  /** Writes the start of the error object and its {@code type} and {@code error}; the caller closes it. */
  private static void write(JsonGenerator gen, OllamaError failure) throws IOException {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    boolean overflow = BackendErrors.isContextOverflow(message);
    gen.writeStartObject();
    gen.writeStringField("type", "error");
    gen.writeObjectFieldStart("error");
    gen.writeStringField("type", overflow ? "invalid_request_error" : type(failure.status()));
    gen.writeStringField("message", overflow && !message.startsWith(PROMPT_TOO_LONG) ? PROMPT_TOO_LONG + message
        : message);
    gen.writeEndObject();
  }
}
