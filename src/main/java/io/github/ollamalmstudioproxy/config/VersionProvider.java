package io.github.ollamalmstudioproxy.config;

import picocli.CommandLine.IVersionProvider;

/** Reports the jar's version (from its manifest) and the Ollama version it answers with by default. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"ollama-lmstudio-proxy " + projectVersion(),
        "speaks the Ollama API " + ProxyConfig.DEFAULT_OLLAMA_VERSION};
  }

  public static String projectVersion() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
