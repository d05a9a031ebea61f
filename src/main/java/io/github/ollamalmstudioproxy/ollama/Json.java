package io.github.ollamalmstudioproxy.ollama;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The proxy's one Jackson configuration, shared by every layer that reads or writes JSON. Immutable after
 * construction, so safe to share between threads.
 */
public final class Json {
  /**
   * Characters outside the BMP (emoji) are written as real 4-byte UTF-8, as Ollama's Go encoder does, instead of
   * Jackson's default pair of escaped surrogates.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  public static final JsonFactory FACTORY = MAPPER.getFactory();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** Jackson's complaint without its source excerpt, with the position a user can find. */
  public static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String what = e.getOriginalMessage();
    int nl = what.indexOf('\n');
    what = nl < 0 ? what : what.substring(0, nl);
    // Jackson appends where the enclosing value began, as "(for Array starting at [Source: …; line: …])".
    what = what.replaceAll("\\s*\\(for \\w+ starting at \\[Source: .*$", "");
    return at == null ? "invalid JSON: " + what
        : "invalid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
  }

  /**
   * The same configuration for reading request bodies of up to {@code maxBodyBytes}: a string in such a body (a
   * base64 image) may be as long as the body. Jackson's own cap on one string, 20 million characters, would refuse a
   * 15 MB image that the body limit allows, with a message about Jackson's internals.
   */
  public static ObjectMapper forBodiesOf(long maxBodyBytes) {
    int longest = (int) Math.min(Integer.MAX_VALUE,
        Math.max(maxBodyBytes, StreamReadConstraints.DEFAULT_MAX_STRING_LEN));
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(longest).build())
        .build();
    return JsonMapper.builder(factory).enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  }
}
