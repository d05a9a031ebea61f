package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.BackendModel;
import io.github.ollamalmstudioproxy.catalog.FimTemplate;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendDialect;
import io.github.ollamalmstudioproxy.translate.GenerateRequest;
import io.github.ollamalmstudioproxy.translate.OllamaToOpenAi;
import io.github.ollamalmstudioproxy.translate.UpstreamRequest;
import java.util.Optional;

/**
 * Where an {@code /api/generate} request goes upstream, once its model is known: a request with a {@code suffix}
 * needs the model's fill-in-the-middle support, Ollama's {@code insert} capability ({@code server/routes.go} lines
 * 449-451 at v0.33.0-rc2), which the proxy finds in one of two places:
 *
 * <ol>
 *   <li>llama-server's {@code /infill}, which knows the model's own FIM tokens (and refuses a model without them,
 *       a refusal passed on as a 400 with llama-server's reason);
 *   <li>the FIM tokens of the model's family ({@link FimTemplate}), sent raw to {@code /v1/completions}.
 * </ol>
 *
 * <p>Any other model answers Ollama's 400 {@code "<model>" does not support insert}, before the backend is asked.
 */
final class InsertRoute {
  private InsertRoute() {}

  static UpstreamRequest generate(GenerateRequest request, BackendModel model, String backendId,
      BackendDialect dialect) {
    if (request.suffix() == null) {
      return OllamaToOpenAi.generate(request, backendId, dialect);
    }
    Optional<FimTemplate> fim = model.fim();
    if (!model.servesInfill() && fim.isEmpty()) {
      throw OllamaError.badRequest("\"" + request.model() + "\" does not support insert");
    }
    if (request.raw()) {
      // Raw prompts are the client's own FIM prompts: the suffix is ignored, as Ollama ignores it (lines 511-513).
      return OllamaToOpenAi.generate(request, backendId, dialect);
    }
    if (model.servesInfill()) {
      return OllamaToOpenAi.infill(request, backendId);
    }
    return OllamaToOpenAi.fillInTheMiddle(request, backendId, fim.get().render(request.prompt(), request.suffix()));
  }
}
