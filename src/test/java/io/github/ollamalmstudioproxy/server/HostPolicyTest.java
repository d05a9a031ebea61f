package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostPolicyTest {
  private final HostPolicy local = HostPolicy.checked(List.of(), "Build-Box");

  @Test
  void acceptsTheLocalNamesOllamaAccepts() {
    for (String host : List.of("localhost", "localhost:11434", "LOCALHOST", "localhost.", "app.localhost",
        "printer.local", "db.internal:8080", "build-box", "BUILD-BOX:11434", "")) {
      assertThat(local.allows(host)).as(host).isTrue();
    }
  }

  @Test
  void acceptsLoopbackPrivateUnspecifiedAndMappedAddresses() {
    for (String host : List.of("127.0.0.1", "127.0.0.1:11434", "127.9.8.7", "[::1]", "[::1]:11434", "10.1.2.3",
        "172.16.0.1", "172.31.255.255", "192.168.1.20:80", "0.0.0.0", "[::]", "[fd00::1]", "[::ffff:127.0.0.1]")) {
      assertThat(local.allows(host)).as(host).isTrue();
    }
  }

  @Test
  void refusesEveryOtherName() {
    for (String host : List.of("rebind.evil.example", "rebind.evil.example:11434", "localhost.evil.example",
        "evil-localhost", "local", "example.com", "8.8.8.8", "172.32.0.1", "169.254.1.1", "[2001:db8::1]",
        "127.000.000.001", "0x7f000001", "2130706433", "build-box.evil.example")) {
      assertThat(local.allows(host)).as(host).isFalse();
    }
  }

  @Test
  void addsConfiguredNamesWithWildcards() {
    HostPolicy policy = HostPolicy.checked(List.of("proxy.example.org", "*.corp.example"), null);
    assertThat(policy.allows("proxy.example.org:11434")).isTrue();
    assertThat(policy.allows("PROXY.example.org")).isTrue();
    assertThat(policy.allows("gpu.corp.example")).isTrue();
    assertThat(policy.allows("corp.example.evil")).isFalse();
    assertThat(policy.allows("example.org")).isFalse();
    assertThat(HostPolicy.checked(List.of("*"), null).allows("anything.example")).isTrue();
  }

  @Test
  void aListenerOffLoopbackAcceptsEveryName() {
    assertThat(HostPolicy.forListener(false, List.of()).allows("rebind.evil.example")).isTrue();
  }

  @Test
  void tellsWellFormedHostHeadersFromOthers() {
    for (String ok : List.of("localhost", "localhost:11434", "127.0.0.1:1", "[::1]:11434", "[::1]", "a-b.c_d", "")) {
      assertThat(HostPolicy.wellFormed(ok)).as(ok).isTrue();
    }
    for (String bad : List.of("a b", "evil.example/x", "::1", "[::1", "localhost:11434:1", "a@b", "[zz::1]",
        "localhost:port", "host\u001b[31m")) {
      assertThat(HostPolicy.wellFormed(bad)).as(bad).isFalse();
    }
  }

  @Test
  void findsTheMachineNameWithoutFailing() {
    // Whatever the system says (or null); it must not throw or block on DNS.
    HostPolicy.machineHostName();
  }
}
