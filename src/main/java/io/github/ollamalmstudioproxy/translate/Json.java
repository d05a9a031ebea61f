package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The one Jackson configuration of the translation layer; immutable after construction, so safe to share. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonFactory FACTORY = MAPPER.getFactory();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}
}
