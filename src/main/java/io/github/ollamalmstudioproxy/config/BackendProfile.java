package io.github.ollamalmstudioproxy.config;

import java.util.Locale;

/** What kind of server a backend is, as far as the proxy must know before it asks it anything. */
public enum BackendProfile {
  /** Found out on first contact: LM Studio, llama-server (router or not) or a plain OpenAI-compatible server. */
  AUTO,
  /**
   * A generic OpenAI inference gateway in front of a fleet (vLLM, llm-d, LiteLLM, Olla): its models are always loaded,
   * so the proxy never loads or unloads them.
   */
  GATEWAY;

  /** {@code auto} or {@code gateway}, any case; {@code where} names the option or entry in the error. */
  public static BackendProfile parse(String where, String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "gateway" -> GATEWAY;
      default -> throw new ConfigException("invalid " + where + ": '" + text + "' (use auto or gateway)");
    };
  }

  /** The option's text: {@code auto} or {@code gateway}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
