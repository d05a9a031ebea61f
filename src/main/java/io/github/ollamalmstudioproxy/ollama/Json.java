package io.github.ollamalmstudioproxy.ollama;

import com.fasterxml.jackson.core.JsonFactory;
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
}
