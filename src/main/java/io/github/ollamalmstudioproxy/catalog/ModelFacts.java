package io.github.ollamalmstudioproxy.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Ollama facts shared by {@code /api/tags}, {@code /api/show} and {@code /api/ps}: details, capabilities,
 * size, digest. One place, so the three endpoints never disagree about a model.
 */
final class ModelFacts {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ModelFacts() {}

  /**
   * Ollama's {@code details}. Every string is always present because Zed parses them as required strings; an
   * unknown value is {@code ""} (Go's zero value, which real Ollama also sends), never a made-up one.
   * {@code families} is {@code null} when the family is unknown, as in Ollama.
   */
  static ObjectNode details(BackendModel m) {
    ObjectNode d = JSON.objectNode();
    d.put("parent_model", "");
    d.put("format", nonNull(m.format()));
    d.put("family", nonNull(m.architecture()));
    if (m.architecture() == null) {
      d.putNull("families");
    } else {
      d.putArray("families").add(m.architecture());
    }
    d.put("parameter_size", parameterSize(m));
    d.put("quantization_level", nonNull(m.quantization()));
    return d;
  }

  /** {@code 8.0B} from a count; otherwise the backend's or name's label as is ({@code 8x7B}); else {@code ""}. */
  static String parameterSize(BackendModel m) {
    if (m.parameterCount() != null) {
      return ParameterSizes.display(m.parameterCount());
    }
    return m.paramsString() == null ? "" : m.paramsString();
  }

  /**
   * Ollama capability names, in Ollama's order. Embedding models list {@code embedding} instead of
   * {@code completion}; {@code chat} is not an Ollama capability. {@code insert} is claimed for the families whose
   * FIM tokens the proxy knows ({@link FimTemplate}): no backend reports fill-in-the-middle support, and
   * llama-server's {@code /infill} can only tell by trying.
   */
  static ArrayNode capabilities(BackendModel m) {
    ArrayNode caps = JSON.arrayNode();
    if (m.isEmbedding()) {
      caps.add("embedding");
      return caps;
    }
    caps.add("completion");
    if (m.capabilities().tools()) {
      caps.add("tools");
    }
    if (m.fim().isPresent()) {
      caps.add("insert");
    }
    if (m.vision()) {
      caps.add("vision");
    }
    if (m.capabilities().thinking()) {
      caps.add("thinking");
    }
    return caps;
  }

  /**
   * Bytes on disk: the backend's figure, else parameters × bits per weight, else 0. Zed requires the field as an
   * unsigned integer, so "unknown" is 0 rather than absent.
   */
  static long size(BackendModel m) {
    if (m.sizeBytes() != null) {
      return m.sizeBytes();
    }
    Long estimate = QuantizationBits.estimateBytes(m.parameterCount(), m.quantization(), m.bitsPerWeight());
    return estimate == null ? 0L : estimate;
  }

  static String digest(BackendModel m) {
    return Digests.of(m.key(), m.quantization());
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
