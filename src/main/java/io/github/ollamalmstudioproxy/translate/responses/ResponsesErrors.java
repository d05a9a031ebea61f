package io.github.ollamalmstudioproxy.translate.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Any failure ({@link OllamaError}) in OpenAI's error shape, {@code {"error":{"message","type","param","code"}}},
 * typed from the status as Ollama's {@code openai.NewError} types it. The transport writes {@link #body} with
 * {@code failure.status()} before the first byte of an answer; after it, a started stream ends with
 * {@link ResponsesStream#failureEvent} ({@code response.failed}, as Ollama ends a failed Responses stream).
 *
 * <p>{@code code} is null (Ollama's), except {@code context_length_exceeded} for a prompt that does not fit the
 * model's context and {@code rate_limit_exceeded} for a 429: the codes Codex acts on (compaction, back-off).
 */
public final class ResponsesErrors {
  private ResponsesErrors() {}

  public static String type(int status) {
    switch (status) {
      case 400:
        return "invalid_request_error";
      case 404:
        return "not_found_error";
      default:
        return "api_error";
    }
  }

  /** The {@code code} of the error, or null. */
  public static String code(OllamaError failure) {
    if (BackendErrors.isContextOverflow(failure.getMessage())) {
      return "context_length_exceeded";
    }
    return failure.status() == 429 ? "rate_limit_exceeded" : null;
  }

  /** The {@code application/json} error body, sent with status {@code failure.status()}. */
  public static byte[] body(OllamaError failure) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
      String code = code(failure);
      gen.writeStartObject();
      gen.writeObjectFieldStart("error");
      gen.writeStringField("message", message(failure));
      gen.writeStringField("type", code != null && code.equals("context_length_exceeded") ? "invalid_request_error"
          : type(failure.status()));
      gen.writeNullField("param");
      if (code == null) {
        gen.writeNullField("code");
      } else {
        gen.writeStringField("code", code);
      }
      gen.writeEndObject();
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String message(OllamaError failure) {
    return failure.getMessage() == null ? "" : failure.getMessage();
  }
}
