package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @Test
  void aBurstOfRefusalsIsOneLineThenOneSummaryPerWindow() throws Exception {
    try (LogCapture logs = LogCapture.open()) {
      RefusalLog refusals = new RefusalLog(vertx, Duration.ofMillis(300), 8);
      for (int i = 0; i < 10_000; i++) {
        refusals.refused("r" + i, 8);
      }
      assertThat(lines(logs)).hasSize(1).first().asString()
          .startsWith("WARN").contains("r0 refused: 8 requests in flight (the proxy's cap: 8");

      await().atMost(Duration.ofSeconds(3)).until(() -> lines(logs).size() == 2);
      assertThat(lines(logs).get(1)).contains("refused 9999 more request(s) in the last 300 ms");

      // A window without refusals closes the burst: the next refusal has its own line again.
      Thread.sleep(800);
      assertThat(lines(logs)).hasSize(2);
      refusals.refused("again", 8);
      assertThat(lines(logs)).hasSize(3).last().asString().contains("again refused");
      refusals.refused("counted", 8);
      refusals.close();
      assertThat(lines(logs)).hasSize(4).last().asString().contains("refused 1 more request(s)");
    }
  }

  private static List<String> lines(LogCapture logs) {
    return logs.lines().stream().filter(l -> l.contains(RefusalLog.class.getName())).toList();
  }
}
