package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
  private final CorsPolicy defaults = new CorsPolicy(List.of());

  @Test
  void allowsOllamaDefaultOrigins() {
    assertThat(defaults.allows("http://localhost")).isTrue();
    assertThat(defaults.allows("http://localhost:3000")).isTrue();
    assertThat(defaults.allows("https://127.0.0.1:8443")).isTrue();
    assertThat(defaults.allows("http://0.0.0.0:80")).isTrue();
    assertThat(defaults.allows("app://obsidian.md")).isTrue();
    assertThat(defaults.allows("tauri://localhost")).isTrue();
    assertThat(defaults.allows("vscode-webview://abc")).isTrue();
    assertThat(defaults.allows("vscode-file://vscode-app")).isTrue();
    assertThat(defaults.allows("file://")).isTrue();
  }

  @Test
  void refusesOtherOrigins() {
    assertThat(defaults.allows("https://evil.example")).isFalse();
    assertThat(defaults.allows("http://localhost.evil.example")).isFalse();
    assertThat(defaults.allows("http://127.0.0.2")).isFalse();
  }

  @Test
  void addsConfiguredOriginsWithWildcards() {
    CorsPolicy policy = new CorsPolicy(List.of("https://*.example.org", "https://chat.example.com"));
    assertThat(policy.allows("https://ui.example.org")).isTrue();
    assertThat(policy.allows("https://chat.example.com")).isTrue();
    assertThat(policy.allows("https://other.example.com")).isFalse();
    assertThat(new CorsPolicy(List.of("*")).allows("https://anything.example")).isTrue();
  }
}
