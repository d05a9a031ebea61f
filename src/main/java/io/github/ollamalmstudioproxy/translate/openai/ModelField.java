package io.github.ollamalmstudioproxy.translate.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.Fields;
import java.io.IOException;
import java.util.Optional;

/**
 * The top-level {@code model} of an OpenAI-style JSON request body, found with the streaming parser, so that the
 * proxy can put the backend's id in its place and send every other byte exactly as the client sent it: a request
 * carrying a 40 MB image is never parsed into a tree or written again, only scanned once.
 */
public final class ModelField {
  /**
   * Where the name is.
   *
   * @param model the name the client sent
   * @param start offset of the value's opening quote in the body
   * @param end offset just past its closing quote
   */
  public record Found(String model, int start, int end) {}

  private ModelField() {}

  /**
   * Scans a body the client declared as JSON.
   *
   * @return empty when the body is a JSON object without a top-level {@code model} (or with a null one)
   * @throws OllamaError 400 for malformed JSON (naming the position), a body that is not an object, or a
   *     {@code model} that is not a string
   */
  public static Optional<Found> find(byte[] body) {
    return find(body, 0, body.length);
  }

  /**
   * Scans the {@code length} bytes of {@code body} from {@code offset}, where a read body sits in its buffer;
   * {@link Found}'s offsets count from {@code offset}.
   *
   * @see #find(byte[])
   */
  public static Optional<Found> find(byte[] body, int offset, int length) {
    try (JsonParser p = Json.FACTORY.createParser(body, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw OllamaError.badRequest("missing request body");
      }
      if (first != JsonToken.START_OBJECT) {
        throw OllamaError.badRequest("invalid request body: expected a JSON object");
      }
      Found found = null;
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken value = p.nextToken();
        if (name.equals("model")) {
          // A repeated key: JSON.parse (LM Studio) and Go's decoder (Ollama) both keep the last, so that one counts.
          if (value == JsonToken.VALUE_STRING) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            String model = p.getText();
            found = new Found(model, start, (int) p.currentLocation().getByteOffset());
            continue;
          }
          if (value != JsonToken.VALUE_NULL) {
            throw Fields.badType("model", "a string", p.readValueAsTree());
          }
          found = null;
          continue;
        }
        p.skipChildren();
      }
      if (p.nextToken() != null) {
        throw OllamaError.badRequest("invalid JSON: more than one value in the body");
      }
      return Optional.ofNullable(found);
    } catch (JsonProcessingException e) {
      throw OllamaError.badRequest(Json.describe(e));
    } catch (IOException e) {
      throw OllamaError.badRequest("invalid JSON: " + e.getMessage());
    }
  }

  /** {@code value} as a JSON string literal, quotes included, ready to take the old value's place. */
  public static byte[] quoted(String value) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(value);
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    System.arraycopy(inner, 0, out, 1, inner.length);
    out[out.length - 1] = '"';
    return out;
  }
}
