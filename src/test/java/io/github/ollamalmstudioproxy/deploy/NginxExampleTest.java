package io.github.ollamalmstudioproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.config.ProxyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx example, read as text: the streaming-safe settings are there, its limits follow the proxy's
 * defaults (so a changed default cannot leave the example behind), and the test templating touches nothing but
 * addresses. {@code ReplicasBehindNginxIT} runs the same file in a real nginx.
 */
class NginxExampleTest {
  private final NginxExample example = NginxExample.load();
  private final ProxyConfig defaults = ProxyConfig.defaults();

  @Test
  void streamsPassThroughUnbufferedOnReusedHttp11Connections() {
    assertThat(example.values("proxy_buffering")).containsExactly("off");
    assertThat(example.values("proxy_request_buffering")).containsExactly("off");
    assertThat(example.values("gzip")).containsExactly("off");
    assertThat(example.values("proxy_http_version")).containsExactly("1.1");
    assertThat(example.values("proxy_set_header")).contains("Connection \"\"");
    assertThat(example.values("least_conn")).hasSize(1);
    assertThat(example.values("keepalive")).hasSize(1);
  }

  @Test
  void aClientHangUpClosesTheUpstreamConnection() {
    assertThat(example.values("proxy_ignore_client_abort")).containsExactly("off");
  }

  @Test
  void nginxNeverReplaysARequestAReplicaAlreadyReceived() {
    assertThat(example.values("proxy_next_upstream")).containsExactly("error timeout");
    assertThat(example.directives()).noneMatch(line -> line.contains("non_idempotent"));
  }

  @Test
  void theClientsHostReachesTheReplicaForItsHostCheck() {
    assertThat(example.values("proxy_set_header")).contains("Host $host");
  }

  @Test
  void bodyLimitIsTheProxysDefault() {
    assertThat(nginxSize(example.values("client_max_body_size").get(0))).isEqualTo(defaults.maxBodyBytes());
  }

  @Test
  void nginxWaitsLongerThanAnySilenceTheProxyAllows() {
    Duration read = nginxTime(example.values("proxy_read_timeout").get(0));
    assertThat(read).isGreaterThan(defaults.firstByteTimeout()).isGreaterThan(defaults.requestTimeout())
        .isGreaterThan(defaults.idleTimeout());
  }

  @Test
  void nginxClosesIdleUpstreamConnectionsBeforeTheReplicaDoes() {
    assertThat(nginxTime(example.values("keepalive_timeout").get(0))).isLessThan(defaults.keepAliveTimeout());
  }

  @Test
  void renderingChangesOnlyTheListenAndUpstreamAddresses() {
    List<String> shipped = example.text().lines().toList();
    List<String> rendered = example.render(18080, List.of(18081, 18082)).lines().toList();

    assertThat(rendered).hasSameSizeAs(shipped);
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < shipped.size(); i++) {
      if (!shipped.get(i).equals(rendered.get(i))) {
        changed.add(rendered.get(i).trim());
      }
    }
    assertThat(changed).containsExactly(
        "server 127.0.0.1:18081 max_fails=1 fail_timeout=10s;",
        "server 127.0.0.1:18082 max_fails=1 fail_timeout=10s;",
        "listen 127.0.0.1:18080;");
  }

  @Test
  void aReplicaCountTheFileDoesNotListIsRefusedRatherThanGuessed() {
    assertThatThrownBy(() -> example.render(18080, List.of(18081)))
        .hasMessageContaining("lists 2 upstream servers; the test runs 1 replicas");
  }

  /** nginx sizes: bytes, or k/m/g (binary multiples). */
  private static long nginxSize(String text) {
    Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(text);
    assertThat(m.matches()).as("an nginx size: %s", text).isTrue();
    long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 1L << 10;
      case "m" -> 1L << 20;
      case "g" -> 1L << 30;
      default -> 1;
    };
    return Long.parseLong(m.group(1)) * unit;
  }

  /** nginx times with one unit: ms, s, m, h, d; a bare number is seconds. */
  private static Duration nginxTime(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(text);
    assertThat(m.matches()).as("a single-unit nginx time: %s", text).isTrue();
    long value = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(value);
      case "s" -> Duration.ofSeconds(value);
      case "m" -> Duration.ofMinutes(value);
      case "h" -> Duration.ofHours(value);
      default -> Duration.ofDays(value);
    };
  }
}
