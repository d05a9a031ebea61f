package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;

/**
 * The prefix key of a raw OpenAI chat completions body, read with the streaming parser and left as soon as the
 * prefix is complete: the body is passed through untouched and may be tens of megabytes, so no tree is built and
 * image strings are never decoded (their raw bytes are fingerprinted where they lie in the body, and the parser
 * skips them without buffering). Text is hashed from the parser's buffer, so one text longer than the shared
 * parser's string limit (20 million characters) gives 0 too. Any shape it does not expect gives 0: routing must
 * never fail a request the backend would answer.
 */
final class ChatBodyPrefix {
  private ChatBodyPrefix() {}

  /** Thrown inside for a shape that is not a chat body; never leaves this class. */
  private static final class NotChat extends Exception {
    NotChat() {
      super(null, null, false, false);
    }
  }

  static long of(byte[] body) {
    return body == null ? 0 : of(body, 0, body.length);
  }

  /** The same for the {@code length} bytes of {@code body} from {@code offset}. */
  static long of(byte[] body, int offset, int length) {
    if (body == null || length == 0) {
      return 0;
    }
    try (JsonParser p = Json.FACTORY.createParser(body, offset, length)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if ("messages".equals(field)) {
          return messages(p, body, offset);
        }
        p.skipChildren();
      }
      return 0;
    } catch (IOException | NotChat | RuntimeException e) {
      return 0;
    }
  }

  private static long messages(JsonParser p, byte[] body, int base) throws IOException, NotChat {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    PrefixHash prefix = new PrefixHash();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(t, JsonToken.START_OBJECT);
      PrefixHash.Message message = new PrefixHash.Message();
      String role = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("role".equals(field)) {
          expect(value, JsonToken.VALUE_STRING);
          role = p.getText();
        } else if ("content".equals(field)) {
          content(p, value, message, body, base);
        } else {
          p.skipChildren();
        }
      }
      if (!prefix.add(role, message)) {
        break;
      }
    }
    return prefix.key();
  }

  private static void content(JsonParser p, JsonToken value, PrefixHash.Message message, byte[] body,
      int base) throws IOException, NotChat {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value == JsonToken.VALUE_STRING) {
      text(p, message);
      return;
    }
    expect(value, JsonToken.START_ARRAY);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(t, JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("text".equals(field) && v == JsonToken.VALUE_STRING) {
          text(p, message);
        } else if ("image_url".equals(field)) {
          imageUrl(p, v, message, body, base);
        } else {
          p.skipChildren();
        }
      }
    }
  }

  /** {@code "image_url": {"url": "data:…"}}, or the bare string some clients send. */
  private static void imageUrl(JsonParser p, JsonToken v, PrefixHash.Message message, byte[] body,
      int base) throws IOException, NotChat {
    if (v == JsonToken.VALUE_STRING) {
      image(p, message, body, base);
      return;
    }
    expect(v, JsonToken.START_OBJECT);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken u = p.nextToken();
      if ("url".equals(field) && u == JsonToken.VALUE_STRING) {
        image(p, message, body, base);
      } else {
        p.skipChildren();
      }
    }
  }

  /** Text is hashed from the parser's own buffer: no String is made of it. */
  private static void text(JsonParser p, PrefixHash.Message message) throws IOException {
    char[] chars = p.getTextCharacters();
    int from = p.getTextOffset();
    message.text(chars, from, from + p.getTextLength());
  }

  /**
   * The raw bytes between the quotes, found by scanning the body from where the parser says the string starts;
   * not asking the parser for the text lets it skip the string without copying it.
   */
  private static void image(JsonParser p, PrefixHash.Message message, byte[] body, int base) throws NotChat {
    // The parser counts from where it started reading: the slice's offset in the array.
    long at = base + p.currentTokenLocation().getByteOffset();
    if (at < 0 || at >= body.length || body[(int) at] != '"') {
      throw new NotChat();
    }
    int from = (int) at + 1;
    int i = from;
    while (i < body.length && body[i] != '"') {
      i += body[i] == '\\' ? 2 : 1;
    }
    if (i >= body.length) {
      throw new NotChat();
    }
    message.image(body, from, i);
  }

  private static void expect(JsonToken actual, JsonToken wanted) throws NotChat {
    if (actual != wanted) {
      throw new NotChat();
    }
  }
}
