package io.github.ollamalmstudioproxy.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.catalog.BackendModel;
import io.github.ollamalmstudioproxy.catalog.LoadedInstance;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What LM Studio said the proxy's loads gave ({@code load_config.context_length} of {@code echo_load_config}), per
 * model key: the context a load without {@code context_length} got, and what the last requested context became.
 *
 * <p>The first answers {@code /api/show} for a model that is not loaded: a request will get what a default load gives,
 * and LM Studio tells that only in a load's echo. The second keeps a lowered context from causing a reload on every
 * request: asked for 32768 and given 16384 (too little memory), an instance at 16384 already is what 32768 gets.
 */
public final class LoadedContexts {
  private record Asked(int asked, int got) {}

  private final Map<String, Integer> defaults = new ConcurrentHashMap<>();
  private final Map<String, Asked> asked = new ConcurrentHashMap<>();

  /** The context a default load of {@code key} gave when the proxy last made one; null when it never did. */
  public Integer defaultLoad(String key) {
    return defaults.get(key);
  }

  /** Records a load of {@code key} that asked for {@code context} (null: the default) and got {@code got}. */
  void loaded(String key, Integer context, Integer got) {
    if (got == null) {
      return;
    }
    if (context == null) {
      defaults.put(key, got);
    } else {
      asked.put(key, new Asked(context, got));
    }
  }

  /**
   * Whether the model's loaded instance serves a request for {@code context}: it was loaded with exactly that, or it
   * is what the proxy's own load asked for that became. Not loaded, or loaded with an unknown context that the proxy
   * did not load itself, is false.
   */
  boolean serves(BackendModel model, int context) {
    LoadedInstance instance = model.instance(model.key())
        .orElse(model.loadedInstances().isEmpty() ? null : model.loadedInstances().get(0));
    if (instance == null) {
      return false;
    }
    Integer now = instance.contextLength();
    if (now != null && now == context) {
      return true;
    }
    Asked last = asked.get(model.key());
    return last != null && last.asked() == context && (now == null || now == last.got());
  }

  /** {@code load_config.context_length} of a load answer; null when absent (not echoed, or an older version). */
  static Integer echoed(String answer) {
    try {
      JsonNode context = Json.MAPPER.readTree(answer).path("load_config").path("context_length");
      return context.canConvertToInt() && context.intValue() > 0 ? context.intValue() : null;
    } catch (JsonProcessingException e) {
      // The load succeeded (2xx); an answer that is not JSON only means the context is not known.
      return null;
    }
  }
}
