package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicErrors;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicStream;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesErrors;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesStream;
import java.util.Arrays;
import java.util.function.Function;

/**
 * How a translated answer is framed for its client's API: the content type of its stream, and how a failure reads
 * before the first byte (a body under the failure's status) and after it (the stream's last line).
 */
interface AnswerFormat {
  String streamContentType();

  /** The body of a failure answered before any byte of the stream, with the failure's status. */
  byte[] failureBody(OllamaError failure);

  /** The last line of a stream that fails after it began. */
  byte[] failureLine(OllamaError failure);

  /** Ollama: NDJSON, and {@code {"error":"…"}} as the body or as the last line. */
  AnswerFormat OLLAMA = new AnswerFormat() {
    @Override
    public String streamContentType() {
      return "application/x-ndjson";
    }

    @Override
    public byte[] failureBody(OllamaError failure) {
      byte[] line = Replies.errorLine(failure.getMessage());
      return Arrays.copyOf(line, line.length - 1);
    }

    @Override
    public byte[] failureLine(OllamaError failure) {
      return Replies.errorLine(failure.getMessage());
    }
  };

  /** Anthropic Messages: SSE, an {@code event: error} last, Anthropic's error object as a body. */
  static AnswerFormat anthropic(AnthropicStream stream) {
    return events(AnthropicErrors::body, stream::failureEvent);
  }

  /** OpenAI Responses: SSE, {@code response.failed} last, OpenAI's error object as a body. */
  static AnswerFormat responses(ResponsesStream stream) {
    return events(ResponsesErrors::body, stream::failureEvent);
  }

  /** An event stream whose failures read {@code body} before its first byte and {@code lastEvent} after it. */
  private static AnswerFormat events(Function<OllamaError, byte[]> body, Function<OllamaError, byte[]> lastEvent) {
    return new AnswerFormat() {
      @Override
      public String streamContentType() {
        return "text/event-stream";
      }

      @Override
      public byte[] failureBody(OllamaError failure) {
        return body.apply(failure);
      }

      @Override
      public byte[] failureLine(OllamaError failure) {
        return lastEvent.apply(failure);
      }
    };
  }
}
