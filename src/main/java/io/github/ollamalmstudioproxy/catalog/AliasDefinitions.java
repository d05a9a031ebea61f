package io.github.ollamalmstudioproxy.catalog;

import io.github.ollamalmstudioproxy.catalog.alias.AliasName;
import io.github.ollamalmstudioproxy.catalog.alias.CreateRequest;
import io.github.ollamalmstudioproxy.catalog.alias.ModelAlias;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /api/create}, {@code /api/copy} and {@code /api/delete} decide, against one snapshot, before anything
 * is written: which alias to store (or remove), or the error in Ollama's shape. Backend models are never created,
 * copied over or deleted here: they belong to LM Studio.
 */
public final class AliasDefinitions {
  /**
   * A new alias and the status lines {@code /api/create} streams for it, in the order Ollama's create reports its
   * steps ({@code server/create.go}: the layers it reuses, the ones it makes, {@code writing manifest}); the
   * digests are the ones {@code /api/tags} shows for the backend model and for the alias.
   */
  public record Created(ModelAlias alias, List<String> statuses) {}

  private AliasDefinitions() {}

  /**
   * @throws OllamaError 400 for a name a backend model already has, a {@code from} that names nothing (naming its
   *     Modelfile line), or a template the backend cannot honour
   */
  public static Created create(CatalogSnapshot snapshot, CreateRequest r, Instant now) {
    refuseBackendName(snapshot, r.name(), "model");
    if (!AliasViews.honoursTemplate(r.template())) {
      throw OllamaError.badRequest("TEMPLATE is not supported: the backend applies the model's own chat template"
          + " and takes none per request; leave TEMPLATE out");
    }
    Optional<ModelAlias> base = snapshot.alias(r.from());
    ModelAlias alias;
    String reused;
    if (base.isPresent()) {
      alias = base.get().derive(r.name(), r.parameters(), r.system(), "", r.messages(), r.license(), now);
      reused = base.get().digest();
    } else {
      ResolvedModel target;
      try {
        target = ModelNames.resolve(r.from(), snapshot.models());
      } catch (OllamaError e) {
        throw OllamaError.badRequest(at(r.fromLine()) + "model '" + r.from() + "' not found: FROM must name a model"
            + " the backend lists (see /api/tags) or an alias");
      }
      alias = new ModelAlias(r.name(), target.ollamaName(), r.parameters(), r.system(), "", r.messages(),
          r.license(), now);
      reused = "sha256:" + ModelFacts.digest(target.model());
    }
    return new Created(alias, List.of("using existing layer " + reused, "creating new layer " + alias.digest(),
        "writing manifest"));
  }

  /**
   * {@code /api/copy}: an alias copied under a new name, or a backend model given a second name.
   *
   * @throws OllamaError 400 for invalid names or a destination a backend model has, 404 for an unknown source
   */
  public static ModelAlias copy(CatalogSnapshot snapshot, String source, String destination, Instant now) {
    if (!AliasName.valid(source)) {
      throw OllamaError.badRequest("source \"" + nullToEmpty(source) + "\" is invalid");
    }
    if (!AliasName.valid(destination)) {
      throw OllamaError.badRequest("destination \"" + nullToEmpty(destination) + "\" is invalid");
    }
    String name = AliasName.canonical(destination);
    refuseBackendName(snapshot, name, "destination");
    Optional<ModelAlias> alias = snapshot.alias(source);
    if (alias.isPresent()) {
      return alias.get().renamed(name, now);
    }
    try {
      ResolvedModel target = ModelNames.resolve(source, snapshot.models());
      return new ModelAlias(name, target.ollamaName(), null, "", "", List.of(), List.of(), now);
    } catch (OllamaError e) {
      throw new OllamaError(404, "model \"" + source + "\" not found");
    }
  }

  /**
   * {@code /api/delete}: the alias to remove.
   *
   * @throws OllamaError 400 for a backend model (deleted in LM Studio, never here), 404 for an unknown name
   */
  public static ModelAlias delete(CatalogSnapshot snapshot, String name) {
    if (name == null || name.isBlank()) {
      throw OllamaError.badRequest("name \"" + nullToEmpty(name) + "\" is invalid");
    }
    Optional<ModelAlias> alias = snapshot.alias(name);
    if (alias.isPresent()) {
      return alias.get();
    }
    try {
      ModelNames.resolve(name, snapshot.models());
    } catch (OllamaError e) {
      throw new OllamaError(404, "model '" + name + "' not found");
    }
    throw OllamaError.badRequest("model '" + name + "' is managed in LM Studio: delete it there; /api/delete removes"
        + " only the aliases made with /api/create or /api/copy");
  }

  private static void refuseBackendName(CatalogSnapshot snapshot, String name, String what) {
    try {
      ModelNames.resolve(name, snapshot.models());
    } catch (OllamaError e) {
      return;
    }
    throw OllamaError.badRequest(what + " \"" + name + "\" is the name of a model managed in LM Studio; give the"
        + " alias a name of its own");
  }

  private static String at(int line) {
    return line > 0 ? "(line " + line + "): " : "";
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
