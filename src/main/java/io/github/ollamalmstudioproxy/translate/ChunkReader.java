package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.io.IOException;

/**
 * One Jackson parser for all the chunks of a stream, each fed whole: creating a parser per chunk (its context, its
 * symbol table, its buffers) was more than half of what a token allocated. Jackson's non-blocking parser takes one
 * root value after another, so each chunk is fed to the same parser.
 *
 * <p>Such a parser answers {@link JsonToken#NOT_AVAILABLE} where its input runs out; a chunk is complete, so that
 * means the chunk was cut short, and it is reported as the end-of-input error a blocking parser would raise (read
 * through this delegate, nothing can loop on it). After a chunk that failed or left anything but whitespace behind,
 * the next chunk gets a fresh parser, so one bad chunk never spoils the next.
 */
final class ChunkReader extends JsonParserDelegate {
  private ByteArrayFeeder feeder;

  ChunkReader() {
    super(null);
  }

  /**
   * Starts reading one chunk; the bytes must stay unchanged until {@link #done} (they are read as tokens are asked
   * for). Returns this parser, positioned before the chunk's first token.
   */
  JsonParser start(byte[] buf, int off, int len) throws IOException {
    if (delegate == null) {
      delegate = Json.FACTORY.createNonBlockingByteArrayParser();
      feeder = (ByteArrayFeeder) delegate.getNonBlockingInputFeeder();
    }
    feeder.feedInput(buf, off, off + len);
    return this;
  }

  /** The chunk was read to its end ({@code ok}) or failed: keeps the parser only when nothing is left over. */
  void done(boolean ok) {
    if (ok && delegate != null) {
      try {
        if (delegate.nextToken() == JsonToken.NOT_AVAILABLE) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        // Trailing garbage after the object: ignored, as a blocking parser ignores it, on a fresh parser.
      }
    }
    drop();
  }

  private void drop() {
    if (delegate != null) {
      try {
        delegate.close();
      } catch (IOException e) {
        // Nothing to release but buffers.
      }
      delegate = null;
      feeder = null;
    }
  }

  /**
   * Tool-call arguments sent as an object are read as a tree. The non-blocking parser refuses a codec of its own; this
   * delegate reads only whole chunks, so databind may read through it.
   */
  @Override
  public ObjectCodec getCodec() {
    return Json.MAPPER;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    JsonToken t = delegate.nextToken();
    if (t == JsonToken.NOT_AVAILABLE) {
      throw new JsonEOFException(this, null, "Unexpected end-of-input: the chunk ends inside a JSON value");
    }
    return t;
  }

  @Override
  public JsonToken nextValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.FIELD_NAME ? nextToken() : t;
  }

  @Override
  public String nextFieldName() throws IOException {
    return nextToken() == JsonToken.FIELD_NAME ? delegate.currentName() : null;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken current = delegate.currentToken();
    if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
      return this;
    }
    for (int open = 1; open > 0; ) {
      JsonToken t = nextToken();
      if (t == null) {
        break;
      }
      if (t.isStructStart()) {
        open++;
      } else if (t.isStructEnd()) {
        open--;
      }
    }
    return this;
  }
}
