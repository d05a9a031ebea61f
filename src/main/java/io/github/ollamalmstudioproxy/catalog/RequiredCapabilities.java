package io.github.ollamalmstudioproxy.catalog;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a request that needs a capability the model lacks, as Ollama's {@code CheckCapabilities} does
 * ({@code ollama/ollama@v0.33.0-rc2:server/images.go:543-573}, worded at {@code server/routes.go:211}, 400 at
 * {@code routes.go:3109}): {@code "<model name> does not support tools"}, several missing ones joined by a newline in
 * Ollama's order. Clients look for the substring {@code does not support tools} and retry without tools.
 *
 * <p>Only a capability the metadata says is missing is refused ({@link BackendModel#lacksTools()}); a backend that
 * reports nothing (a plain {@code /v1/models}) is left to decide for itself.
 */
public final class RequiredCapabilities {
  private RequiredCapabilities() {}

  /**
   * @param tools the request carries tools (a non-empty list)
   * @param images the request carries images, in any turn
   * @throws OllamaError 400 naming the model by its canonical name, as Ollama names it by its full name
   */
  public static void check(ResolvedModel model, boolean tools, boolean images) {
    List<String> missing = new ArrayList<>(2);
    if (tools && model.model().lacksTools()) {
      missing.add("tools");
    }
    if (images && model.model().lacksVision()) {
      missing.add("vision");
    }
    if (!missing.isEmpty()) {
      throw OllamaError.badRequest(model.ollamaName() + " does not support " + String.join("\n", missing));
    }
  }
}
