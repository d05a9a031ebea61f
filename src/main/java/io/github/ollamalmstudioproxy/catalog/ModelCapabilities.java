package io.github.ollamalmstudioproxy.catalog;

import java.util.List;
import java.util.Locale;

/**
 * What the backend says a model can do. False means "not reported", not "verified absent": a plain
 * {@code /v1/models} list reports nothing, and we do not guess tools or vision support from a name.
 *
 * @param vision accepts images
 * @param tools trained for tool use
 * @param reasoningOptions LM Studio's {@code capabilities.reasoning.allowed_options} (e.g. {@code off, on}); empty
 *     when the model has no reasoning switch
 * @param reasoningDefault LM Studio's {@code capabilities.reasoning.default}, or null
 */
public record ModelCapabilities(
    boolean vision, boolean tools, List<String> reasoningOptions, String reasoningDefault) {
  public static final ModelCapabilities NONE = new ModelCapabilities(false, false, List.of(), null);

  public ModelCapabilities {
    reasoningOptions = reasoningOptions == null ? List.of() : List.copyOf(reasoningOptions);
  }

  /** A model thinks when it can be switched to anything other than "off" (a lone "off" means it cannot). */
  public boolean thinking() {
    return reasoningOptions.stream().anyMatch(o -> !o.toLowerCase(Locale.ROOT).equals("off"));
  }
}
