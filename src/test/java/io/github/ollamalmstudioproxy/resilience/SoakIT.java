package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 mixed requests, a fifth of them abandoned by their client at a random moment: afterwards no stream or
 * request may be left active, and the heap after a full GC must not have grown. Not part of the default run (it
 * takes about a minute); run it with {@code mvn verify -Dit.excludedGroups= -Dit.test=SoakIT}.
 */
@Tag("soak")
class SoakIT {
  private static final int REQUESTS = 10_000;
  private static final int CONCURRENCY = 32;
  private static final List<String[]> MIX = List.of(
      new String[] {"POST", "/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
      new String[] {"POST", "/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
      new String[] {"POST", "/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\"}"},
      new String[] {"POST", "/v1/chat/completions", "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
      new String[] {"POST", "/api/embed", "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"a\"]}"},
      new String[] {"GET", "/api/tags", null},
      new String[] {"POST", "/api/show", "{\"model\":\"qwen/qwen3-4b\"}"});

  @Test
  void tenThousandMixedRequestsWithHangUpsLeaveNothingBehind() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(List.of("a", "b", "c", "d", "e", "f", "g", "h"))
          .tokenInterval(Duration.ofMillis(2));
      run(harness, 1_000, 1);
      // The simulator records every request it saw; that is the test double's memory, not the proxy's.
      harness.simulator().log().clear();
      long baseline = usedHeapAfterGc();
      AtomicInteger hangUps = run(harness, REQUESTS, 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> harness.proxy().activeRequests() == 0
          && harness.proxy().metrics().activeStreams() == 0);
      harness.simulator().log().clear();
      long after = usedHeapAfterGc();
      System.out.printf("soak: %d requests, %d hang-ups; heap after GC %d KiB -> %d KiB%n", REQUESTS, hangUps.get(),
          baseline / 1024, after / 1024);
      assertThat(after - baseline).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
      assertThat(harness.get("/api/version").statusCode()).isEqualTo(200);
    }
  }

  private static AtomicInteger run(ProxyHarness harness, int count, long seed) throws InterruptedException {
    Random random = new Random(seed);
    AtomicInteger hangUps = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    for (int i = 0; i < count; i++) {
      String[] request = MIX.get(random.nextInt(MIX.size()));
      boolean hangUp = random.nextInt(5) == 0;
      int readBytes = random.nextInt(400);
      pool.execute(() -> {
        try (RawHttp client = RawHttp.connect(harness.port())) {
          client.send(request[0], request[1], request[2]);
          if (hangUp) {
            hangUps.incrementAndGet();
            client.readSome(readBytes);
          } else {
            client.readAll();
          }
        } catch (RuntimeException e) {
          // A hang-up races the server's own close; either way the request is over.
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    return hangUps;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
