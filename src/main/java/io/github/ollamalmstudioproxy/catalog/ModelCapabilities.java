package io.github.ollamalmstudioproxy.catalog;

import java.util.List;
import java.util.Locale;

/**
 * What the backend says a model can do. False means "not reported", not "verified absent": a plain
 * {@code /v1/models} list reports nothing, and we do not guess tools or vision support from a name. Whether the
 * backend said anything at all is kept apart ({@link #toolsReported}, {@link #visionReported}), so that a request is
 * refused for a missing capability only where the metadata really says it is missing.
 *
 * @param vision accepts images
 * @param tools trained for tool use
 * @param reasoningOptions LM Studio's {@code capabilities.reasoning.allowed_options} (e.g. {@code off, on}); empty
 *     when the model has no reasoning switch
 * @param reasoningDefault LM Studio's {@code capabilities.reasoning.default}, or null
 * @param toolsReported the model list says whether the model does tools (LM Studio 0.4's
 *     {@code trained_for_tool_use}, 0.3.16+'s {@code capabilities} array)
 * @param visionReported the model list says whether the model takes images (0.4's {@code vision}, 0.3's
 *     {@code type})
 */
public record ModelCapabilities(
    boolean vision, boolean tools, List<String> reasoningOptions, String reasoningDefault, boolean toolsReported,
    boolean visionReported) {
  public static final ModelCapabilities NONE = new ModelCapabilities(false, false, List.of(), null, false, false);

  public ModelCapabilities {
    reasoningOptions = reasoningOptions == null ? List.of() : List.copyOf(reasoningOptions);
  }

  /** A model thinks when it can be switched to anything other than "off" (a lone "off" means it cannot). */
  public boolean thinking() {
    return reasoningOptions.stream().anyMatch(o -> !o.toLowerCase(Locale.ROOT).equals("off"));
  }
}
