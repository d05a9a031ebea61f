package io.github.ollamalmstudioproxy.translate.embed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Reads an OpenAI {@code POST /v1/embeddings} answer as its bytes arrive, vector by vector: the text is never held,
 * only the vectors, as float32 (what every backend computes, and what Ollama answers with). A tree of the same answer
 * took about 24 bytes per component, six times the vectors themselves.
 *
 * <p>Reads {@code data[].embedding} (numbers, or base64 of little-endian float32, what llama-server sends when asked
 * for base64) ordered by {@code data[].index} (servers may answer out of order; a missing index keeps the array
 * position), and {@code usage.prompt_tokens}. Everything else is skipped. One instance per answer; not thread-safe.
 */
public final class OpenAiEmbeddings {
  /**
   * The most of one embeddings answer the proxy reads. LM Studio writes a float32 component in about 21 bytes, so
   * 2,048 inputs (the most a request may have, {@link EmbedRequest#MAX_INPUTS}) of a 1,024-dimension model take 44 MB;
   * larger models need smaller batches.
   */
  public static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;
  /**
   * The most numbers one vector may have. The widest embedding models have 4,096 to 8,192 dimensions; an answer with
   * a longer vector is not an embedding, and stopping it here keeps a hostile answer from growing one array to the
   * whole answer cap.
   */
  public static final int MAX_DIMENSIONS = 65_536;

  /**
   * @param vectors one per input, in input order
   * @param promptTokens {@code usage.prompt_tokens} when positive, else null (LM Studio always reports 0, which
   *     means "not counted", not "zero tokens")
   */
  public record Result(List<float[]> vectors, Integer promptTokens) {
    public Result {
      vectors = List.copyOf(vectors);
    }
  }

  private record Item(int index, int position, float[] vector) {}

  /** Where the parser is in the answer's shape. */
  private enum At { START, ROOT, ROOT_VALUE, DATA, ITEM, ITEM_VALUE, VECTOR, USAGE, USAGE_VALUE, SKIP, END }

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final List<Item> items = new ArrayList<>();
  private At at = At.START;
  private At afterSkip;
  private int skipDepth;
  private String field;
  private boolean sawData;
  private Integer promptTokens;
  private Integer index;
  private float[] vector;
  private int length;
  /** The previous vector's length: every vector of an answer has the same, so later ones are sized right at once. */
  private int lengthHint = 64;

  /** The most vectors the answer may hold: one per input; any more is not an answer to this request. */
  private final int expectedVectors;

  /** A reader for an answer of any number of vectors (tests, and bodies already in memory). */
  public OpenAiEmbeddings() {
    this(Integer.MAX_VALUE);
  }

  /** @param expectedVectors the number of inputs the request sent: past as many vectors the answer fails at once */
  public OpenAiEmbeddings(int expectedVectors) {
    this.expectedVectors = expectedVectors;
    try {
      parser = Json.FACTORY.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /** The whole answer at once (tests, and bodies already in memory). */
  public static Result parse(byte[] answer) {
    OpenAiEmbeddings reader = new OpenAiEmbeddings();
    reader.feed(answer, 0, answer.length);
    return reader.finish();
  }

  /**
   * The next bytes of the answer.
   *
   * @throws OllamaError 500 when they cannot be part of an embeddings answer
   */
  public void feed(byte[] bytes, int offset, int length) {
    try {
      feeder.feedInput(bytes, offset, offset + length);
      drain();
    } catch (IOException e) {
      throw notJson();
    }
  }

  /**
   * The answer ended: its vectors in input order.
   *
   * @throws OllamaError 500 when it held no usable {@code data} array or was cut short
   */
  public Result finish() {
    try {
      feeder.endOfInput();
      drain();
    } catch (IOException e) {
      throw notJson();
    }
    if (at == At.START || (at == At.END && !sawData)) {
      throw new OllamaError(500, "backend returned no embeddings");
    }
    if (at != At.END) {
      throw notJson();
    }
    items.sort(Comparator.comparingInt(Item::index).thenComparingInt(Item::position));
    List<float[]> vectors = new ArrayList<>(items.size());
    items.forEach(item -> vectors.add(item.vector()));
    return new Result(vectors, promptTokens);
  }

  private void drain() throws IOException {
    for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.NOT_AVAILABLE; t = parser.nextToken()) {
      on(t);
    }
  }

  private void on(JsonToken t) throws IOException {
    switch (at) {
      case START -> {
        if (t != JsonToken.START_OBJECT) {
          throw new OllamaError(500, "backend returned no embeddings");
        }
        at = At.ROOT;
      }
      case ROOT -> field(t, At.ROOT_VALUE, At.END);
      case ROOT_VALUE -> {
        if ("data".equals(field) && t == JsonToken.START_ARRAY) {
          sawData = true;
          at = At.DATA;
        } else if ("usage".equals(field) && t == JsonToken.START_OBJECT) {
          at = At.USAGE;
        } else {
          skip(t, At.ROOT);
        }
      }
      case DATA -> {
        if (t == JsonToken.END_ARRAY) {
          at = At.ROOT;
        } else if (t == JsonToken.START_OBJECT) {
          index = null;
          vector = null;
          at = At.ITEM;
        } else {
          throw withoutVector();
        }
      }
      case ITEM -> {
        if (t == JsonToken.END_OBJECT) {
          if (vector == null) {
            throw withoutVector();
          }
          int position = items.size();
          if (position == expectedVectors) {
            throw new OllamaError(500, "backend returned more embeddings than the " + expectedVectors
                + " inputs asked for");
          }
          items.add(new Item(index != null ? index : position, position, vector));
          at = At.DATA;
        } else {
          field(t, At.ITEM_VALUE, null);
        }
      }
      case ITEM_VALUE -> itemValue(t);
      case VECTOR -> {
        if (t == JsonToken.END_ARRAY) {
          vector = length == vector.length ? vector : Arrays.copyOf(vector, length);
          lengthHint = Math.max(1, length);
          at = At.ITEM;
        } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
          if (length == vector.length) {
            if (length >= MAX_DIMENSIONS) {
              throw new OllamaError(500, "backend returned an embedding of more than " + MAX_DIMENSIONS + " numbers");
            }
            vector = Arrays.copyOf(vector, Math.min(MAX_DIMENSIONS, vector.length * 2));
          }
          vector[length++] = parser.getFloatValue();
        } else {
          throw new OllamaError(500, "backend returned a non-numeric embedding value");
        }
      }
      case USAGE -> field(t, At.USAGE_VALUE, At.ROOT);
      case USAGE_VALUE -> {
        if ("prompt_tokens".equals(field) && t == JsonToken.VALUE_NUMBER_INT && parser.getNumberType()
            == JsonParser.NumberType.INT && parser.getIntValue() > 0) {
          promptTokens = parser.getIntValue();
        }
        skip(t, At.USAGE);
      }
      case SKIP -> {
        if (t.isStructStart()) {
          skipDepth++;
        } else if (t.isStructEnd() && --skipDepth == 0) {
          at = afterSkip;
        }
      }
      case END -> {
        // What follows the answer's object is ignored, as a tree parse ignores it.
      }
    }
  }

  private void itemValue(JsonToken t) throws IOException {
    if ("embedding".equals(field)) {
      if (t == JsonToken.START_ARRAY) {
        vector = new float[lengthHint];
        length = 0;
        at = At.VECTOR;
      } else if (t == JsonToken.VALUE_STRING) {
        vector = base64(parser.getText());
        at = At.ITEM;
      } else {
        throw withoutVector();
      }
      return;
    }
    if ("index".equals(field) && t == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() == JsonParser.NumberType.INT) {
      index = parser.getIntValue();
    }
    skip(t, At.ITEM);
  }

  /** In an object: a field name moves to {@code value}, the object's end to {@code end}. */
  private void field(JsonToken t, At value, At end) throws IOException {
    if (t == JsonToken.FIELD_NAME) {
      field = parser.currentName();
      at = value;
    } else {
      at = end;
    }
  }

  /** Passes over a value nobody reads; a container is skipped to its end. */
  private void skip(JsonToken t, At back) {
    if (t.isStructStart()) {
      skipDepth = 1;
      afterSkip = back;
      at = At.SKIP;
    } else {
      at = back;
    }
  }

  private static float[] base64(String text) {
    ByteBuffer bytes;
    try {
      bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IllegalArgumentException e) {
      throw new OllamaError(500, "backend returned an embedding that is neither numbers nor base64");
    }
    float[] v = new float[bytes.remaining() / Float.BYTES];
    for (int i = 0; i < v.length; i++) {
      v[i] = bytes.getFloat();
    }
    return v;
  }

  private static OllamaError withoutVector() {
    return new OllamaError(500, "backend returned an embedding without a vector");
  }

  private static OllamaError notJson() {
    return new OllamaError(500, "backend returned an embeddings answer that is not JSON");
  }
}
