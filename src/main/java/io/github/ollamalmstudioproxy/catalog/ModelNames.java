package io.github.ollamalmstudioproxy.catalog;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Translates between LM Studio model ids and Ollama model names, strictly.
 *
 * <p>Key to name: the key stays as it is ({@code publisher/model} is a valid Ollama {@code namespace/model}); an
 * {@code @quant} variant becomes the {@code :quant} tag; otherwise the tag is {@code :latest}.
 *
 * <p>Name to id, case-insensitively: the exact key or name, with or without {@code :latest}; {@code name:quant} to
 * {@code key@quant} when that variant exists; an exact loaded instance id ({@code key:2}); and a name without its
 * publisher ({@code qwen3-4b}) only when exactly one model has that name. Nothing looser: no prefixes, no
 * substrings, no scores. A fuzzy match once turned {@code gpt-4o-mini} into {@code gpt-oss-20b} and silently
 * answered with the wrong model; a 404 lets the client say what it meant.
 */
public final class ModelNames {
  private static final String LATEST = "latest";

  private ModelNames() {}

  /** The Ollama display name for a backend id: {@code qwen/qwen3-4b:latest}, {@code foo@q8_0} → {@code foo:q8_0}. */
  public static String ollamaName(String backendId) {
    int at = backendId.lastIndexOf('@');
    if (at > 0 && at < backendId.length() - 1 && backendId.indexOf(':', at) < 0) {
      return backendId.substring(0, at) + ":" + backendId.substring(at + 1);
    }
    // An id that already carries a tag (an instance "key:2", or a server that names models "name:tag") keeps it.
    return tagOf(backendId) != null ? backendId : backendId + ":" + LATEST;
  }

  /**
   * Resolves a client's model name.
   *
   * @throws OllamaError 404 {@code model 'NAME' not found}, with the name as the client sent it, when nothing or
   *     more than one model matches
   */
  public static ResolvedModel resolve(String requested, List<BackendModel> models) {
    String name = requested == null ? "" : requested.strip();
    if (!name.isEmpty()) {
      List<ResolvedModel> exact = matches(name, models, BackendModel::key);
      if (exact.size() == 1) {
        return exact.get(0);
      }
      if (exact.isEmpty() && baseOf(name).indexOf('/') < 0) {
        List<ResolvedModel> bare = matches(name, models, m -> withoutPublisher(m.key()));
        if (bare.size() == 1) {
          return bare.get(0);
        }
      }
    }
    throw OllamaError.modelNotFound(requested == null ? "" : requested);
  }

  /** Every model that {@code name} names when each model is known by {@code keyView} (its key, or key sans publisher). */
  private static List<ResolvedModel> matches(String name, List<BackendModel> models,
      Function<BackendModel, String> keyView) {
    List<ResolvedModel> found = new ArrayList<>();
    for (BackendModel m : models) {
      ResolvedModel r = match(name, m, keyView.apply(m));
      if (r != null) {
        found.add(r);
      }
    }
    return found;
  }

  private static ResolvedModel match(String name, BackendModel m, String key) {
    if (name.equalsIgnoreCase(key)) {
      return new ResolvedModel(m, m.key(), ollamaName(m.key()));
    }
    for (LoadedInstance i : m.loadedInstances()) {
      String id = i.id();
      boolean extendsKey = id.length() > m.key().length() && id.regionMatches(true, 0, m.key(), 0, m.key().length());
      // "key:2" is also reachable without the publisher ("qwen3-4b:2"); a custom identifier only as itself.
      if (name.equalsIgnoreCase(id) && !id.equalsIgnoreCase(m.key())
          || extendsKey && name.equalsIgnoreCase(key + id.substring(m.key().length()))) {
        return new ResolvedModel(m, id, id);
      }
    }
    String tag = tagOf(name);
    if (tag == null) {
      return null;
    }
    String base = baseOf(name);
    if (tag.equalsIgnoreCase(LATEST)) {
      return base.equalsIgnoreCase(key) ? new ResolvedModel(m, m.key(), ollamaName(m.key())) : null;
    }
    if (!base.equalsIgnoreCase(key)) {
      // A plain OpenAI list may name a variant directly: "foo@q8_0" answers "foo:q8_0".
      return (base + "@" + tag).equalsIgnoreCase(key) ? new ResolvedModel(m, m.key(), ollamaName(m.key())) : null;
    }
    for (String variant : m.variants()) {
      if (variant.toLowerCase(Locale.ROOT).endsWith("@" + tag.toLowerCase(Locale.ROOT))) {
        return new ResolvedModel(withVariant(m, variant), variant, ollamaName(variant));
      }
    }
    if (tag.equalsIgnoreCase(m.quantization())) {
      return new ResolvedModel(m, m.key(), ollamaName(m.key()));
    }
    return null;
  }

  /** The model as a non-default variant: its own quantization; size and bits unknown (they belong to another file). */
  private static BackendModel withVariant(BackendModel m, String variant) {
    String quant = variant.substring(variant.lastIndexOf('@') + 1).toUpperCase(Locale.ROOT);
    if (quant.equalsIgnoreCase(m.quantization())) {
      return m;
    }
    BackendModel.Builder b = m.toBuilder();
    b.quantization = quant;
    b.sizeBytes = null;
    b.bitsPerWeight = null;
    return b.build();
  }

  /** The tag after the last ':' (if that ':' follows the last '/'), or after an LM Studio '@'; else null. */
  static String tagOf(String name) {
    int colon = name.lastIndexOf(':');
    int at = name.lastIndexOf('@');
    int sep = Math.max(colon, at);
    if (sep <= 0 || sep == name.length() - 1 || sep < name.lastIndexOf('/')) {
      return null;
    }
    return name.substring(sep + 1);
  }

  private static String baseOf(String name) {
    String tag = tagOf(name);
    return tag == null ? name : name.substring(0, name.length() - tag.length() - 1);
  }

  private static String withoutPublisher(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }
}
