package io.github.ollamalmstudioproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.config.BackendSpec;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.deploy.ChatStreams.Outcome;
import io.github.ollamalmstudioproxy.deploy.ChatStreams.Plan;
import io.github.ollamalmstudioproxy.server.ProxyServer;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two proxy replicas (each a real {@link ProxyServer} on its own port and its own Vert.x, sharing one read-only
 * models file) behind the real nginx running {@code deploy/nginx/ollama-proxy.conf}, in front of three LM Studio
 * simulators (the same three backends behind each replica): 500 concurrent {@code /api/chat} streams through nginx,
 * a seeded fifth of which hang up before or after their first token.
 *
 * <p>Every stream is accounted for by what the backend saw: exactly one backend request per stream (none lost, none
 * replayed by nginx), run to its end for the streams read to the end, reset for the ones that hung up, within a
 * bound; both replicas served a share. The hang-up figures are printed, with nginx's own part of them taken from its
 * access log; the bound asserted (5 s) is generous because, on a busy 2-core machine, most of the delay is the
 * replicas' event loops catching up, not nginx. A warm-up round with the same mix runs first, and its figures are
 * only printed: a cold JVM held the first hang-ups back for seconds. A last round hangs up 20 streams during a 60 s
 * silent prefill, where nothing but nginx watching the client connection can tell the backend in time (with
 * {@code proxy_ignore_client_abort on} the 500-stream round still passes, as a failed write to the gone client ends
 * the request at the first token; this round does not).
 *
 * <p>Skipped without an nginx binary, unless {@code REQUIRE_NGINX=1} (as in {@code .ci/run}), which makes that a
 * failure. nginx's files stay in {@code target/ReplicasBehindNginxIT/nginx/} after a run.
 */
class ReplicasBehindNginxIT {
  private static final int STREAMS = 500;
  private static final long SEED = 15;
  private static final double HANG_UP_SHARE = 0.2;
  /** Tokens of a stream that is read to its end (its num_predict). */
  private static final int TOKENS = 40;
  /** A stream that is hung up asks for far more, so only a reset, never its natural end, can stop it in time. */
  private static final int HUNG_UP_TOKENS = 2000;
  private static final Duration TOKEN_INTERVAL = Duration.ofMillis(100);
  /** Silent before the first token, so "before the first token" is a window the client can hit. */
  private static final Duration PREFILL = Duration.ofMillis(300);
  private static final Duration HANG_UP_BOUND = Duration.ofSeconds(5);
  /**
   * Streams start evenly over this time, as clients arrive, rather than in one instant: a replica is one event loop,
   * and 250 requests parsed in the same millisecond held its first hang-ups back for seconds on a busy machine. Each
   * stream lasts longer than the ramp, so all of them run at once.
   */
  private static final Duration RAMP = Duration.ofSeconds(1);
  private static final String CHAT = "/v1/chat/completions";
  private static final String ALIAS = "fleet-bot";
  private static final int WARM_UP_STREAMS = 200;
  /** nginx's configuration and logs (access.log names the replica of each request), kept for a look after a run. */
  private static final Path WORK_DIR = Path.of("target", "ReplicasBehindNginxIT");
  /** Warm-up stream ids start here, apart from the measured round's 0..499. */
  private static final int WARM_UP_FIRST_ID = 10_000;
  private static final int SILENT_STREAMS = 20;
  private static final int SILENT_FIRST_ID = 20_000;
  /** Far longer than the bound, so a hang-up that only reached the backend at the first token would fail it. */
  private static final Duration SILENT_PREFILL = Duration.ofSeconds(60);

  /** Three backends behind every replica: the streams spread over them by their conversations. */
  private final List<LmStudioSimulator> simulators = new ArrayList<>();
  private final List<Replica> replicas = new ArrayList<>();
  private NginxRunner nginx;
  private ChatStreams client;
  private ArrivalWatch arrivals;
  private String host;

  private record Replica(Vertx vertx, ProxyServer server) {
    long chatRequests() {
      return Arrays.stream(server.metrics().scrape().split("\n"))
          .filter(l -> l.startsWith("ollama_proxy_requests_total{") && l.contains("route=\"/api/chat\""))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }
  }

  @Test
  void fiveHundredStreamsCompleteOrAreCancelledUpstreamAndNoneIsLost() throws Exception {
    start();
    assertHostGuardHoldsBehindNginx();

    // A cold JVM runs the first requests interpreted while it compiles, and on a busy 2-core machine that held the
    // first hang-ups back for seconds: one smaller round first, with the same mix, whose figures are only printed.
    Round warmUp = run(WARM_UP_FIRST_ID, mixedPlans(WARM_UP_STREAMS, SEED + 1));
    warmUp.awaitBackendSettled();
    warmUp.print("warm-up (cold JVM, not asserted)");
    long[] before = awaitReplicaCounts(WARM_UP_STREAMS);

    Round round = run(0, mixedPlans(STREAMS, SEED));
    System.out.printf("replicas behind nginx: at most %d streams open at once%n", client.mostOpen());
    assertThat(client.mostOpen()).as("streams open at once (the hung-up ones leave early)")
        .isGreaterThan(STREAMS * 3 / 4);
    round.assertClientsSawTheirEnd();
    round.awaitBackendSettled();
    round.print("measured");
    assertThat(round.gaps(Plan.HANG_UP_BEFORE_FIRST_TOKEN)).as("hang-ups before the first token").isNotEmpty();
    assertThat(round.gaps(Plan.HANG_UP_AFTER_FIRST_TOKEN)).as("hang-ups after the first token").isNotEmpty();
    round.assertHangUpsResetWithin(HANG_UP_BOUND);

    // Both replicas took a share, and every stream was counted by exactly one of them.
    long[] after = awaitReplicaCounts(WARM_UP_STREAMS + STREAMS);
    List<Long> shares = IntStream.range(0, replicas.size()).mapToObj(r -> after[r] - before[r]).toList();
    System.out.printf("replica shares of the measured round: %s%n", shares);
    assertThat(shares).allSatisfy(share -> assertThat(share).as("each replica's share").isGreaterThan(STREAMS / 5));

    // During a long silent prefill no byte flows, so no failed write can tell nginx the client left: only its
    // watching the client connection (proxy_ignore_client_abort off) lets the backend stop before the prefill ends.
    simulators.forEach(simulator -> simulator.script().prefillDelay(SILENT_PREFILL));
    Plan[] silentPlans = new Plan[SILENT_STREAMS];
    Arrays.fill(silentPlans, Plan.HANG_UP_BEFORE_FIRST_TOKEN);
    Round silent = run(SILENT_FIRST_ID, silentPlans);
    silent.awaitBackendSettled();
    silent.print("hang-ups during a " + SILENT_PREFILL.toSeconds() + " s silent prefill");
    silent.assertHangUpsResetWithin(HANG_UP_BOUND);

    // None lost, none replayed (each round checked one backend request per stream), nothing else reached the backend.
    int all = WARM_UP_STREAMS + STREAMS + SILENT_STREAMS;
    assertThat(arrivals.unmatched()).isEmpty();
    List<Integer> perBackend = simulators.stream().map(simulator -> simulator.log().byPath(CHAT).size()).toList();
    System.out.printf("backend shares of all rounds: %s%n", perBackend);
    assertThat(perBackend.stream().mapToInt(Integer::intValue).sum()).isEqualTo(all);
    assertThat(perBackend).as("every backend took a share").allSatisfy(n -> assertThat(n).isGreaterThan(all / 10));
    awaitReplicaCounts(all);
    await("no request left active on a replica").atMost(Duration.ofSeconds(5))
        .until(() -> replicas.stream().allMatch(r -> r.server().activeRequests() == 0));
  }

  /** The simulator, the replicas on one shared models file, nginx running the rendered example, and the client. */
  private void start() throws Exception {
    Path binary = NginxRunner.requireOrSkip();
    Path dir = freshDirectory(WORK_DIR);
    NginxExample example = NginxExample.load();
    host = example.serverName();
    startSimulator();
    Path models = dir.resolve("models.yaml");
    Files.writeString(models, "models:\n- name: " + ALIAS + ":latest\n  from: qwen/qwen3-4b:latest\n");
    for (int i = 0; i < example.upstreamServers(); i++) {
      replicas.add(startReplica(host, models));
    }
    int port = NginxRunner.freePort();
    nginx = NginxRunner.start(binary, dir.resolve("nginx"), example.render(port,
        replicas.stream().map(r -> r.server().port()).toList()), port);
    arrivals = new ArrivalWatch(simulators.stream().map(LmStudioSimulator::log).toList(), CHAT);
    client = new ChatStreams(STREAMS + 16);
  }

  /** A seeded mix: about {@link #HANG_UP_SHARE} hang up, half of them before the first token, half after it. */
  private static Plan[] mixedPlans(int count, long seed) {
    Random random = new Random(seed);
    Plan[] plans = new Plan[count];
    for (int i = 0; i < count; i++) {
      plans[i] = random.nextDouble() >= HANG_UP_SHARE ? Plan.READ_TO_END
          : random.nextBoolean() ? Plan.HANG_UP_BEFORE_FIRST_TOKEN : Plan.HANG_UP_AFTER_FIRST_TOKEN;
    }
    return plans;
  }

  /** Waits until the replicas together counted {@code total} chat requests; returns each one's count. */
  private long[] awaitReplicaCounts(int total) {
    await("the replicas counting " + total + " chat requests").atMost(Duration.ofSeconds(5))
        .until(() -> replicas.stream().mapToLong(Replica::chatRequests).sum() == total);
    return replicas.stream().mapToLong(Replica::chatRequests).toArray();
  }

  /**
   * Starts one stream per plan, spread over {@link #RAMP} (ids from {@code firstId}), and waits until every client is
   * done.
   */
  private Round run(int firstId, Plan[] plans) {
    List<Future<Outcome>> running = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < plans.length; i++) {
      int id = firstId + i;
      running.add(client.chat(i * RAMP.toMillis() / plans.length, nginx.port(), host, "s" + id, body(id, plans[i]),
          plans[i], arrivals.arrived(id)));
    }
    try {
      Future.all(running).await(45, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not every stream ended within 45 s", e);
    }
    Outcome[] outcomes = running.stream().map(Future::result).toArray(Outcome[]::new);
    return new Round(firstId, plans, outcomes, System.nanoTime() - started);
  }

  /** One round of streams: what each client saw, and what the backend saw of it. */
  private final class Round {
    private final int firstId;
    private final Plan[] plans;
    private final Outcome[] outcomes;
    private final long nanos;

    Round(int firstId, Plan[] plans, Outcome[] outcomes, long nanos) {
      this.firstId = firstId;
      this.plans = plans;
      this.outcomes = outcomes;
      this.nanos = nanos;
    }

    void assertClientsSawTheirEnd() {
      String expected = IntStream.range(0, TOKENS).mapToObj(k -> " t" + k).collect(Collectors.joining());
      for (int i = 0; i < plans.length; i++) {
        Outcome o = outcomes[i];
        assertThat(o.error).as("stream %d (%s)", i, plans[i]).isNull();
        if (plans[i] != Plan.HANG_UP_BEFORE_FIRST_TOKEN) {
          assertThat(o.status).as("stream %d (%s) status", i, plans[i]).isEqualTo(200);
          assertThat(o.requestId).as("the client's X-Request-Id, kept by nginx and adopted by the replica")
              .isEqualTo("s" + (firstId + i));
        }
        if (plans[i] == Plan.READ_TO_END) {
          assertThat(o.done).as("stream %d ends with done:true", i).isTrue();
          assertThat(o.content).as("stream %d content", i).hasToString(expected);
        } else {
          assertThat(o.hangUpNanos).as("stream %d hung up", i).isPositive();
        }
      }
    }

    /**
     * Waits until the backend received exactly one request per stream, saw every hang-up's close and ended every
     * other stream normally.
     */
    void awaitBackendSettled() {
      await("every stream's request reaching the backend").atMost(Duration.ofSeconds(10))
          .until(() -> IntStream.range(0, plans.length).allMatch(i -> !arrivals.requestsOf(firstId + i).isEmpty()));
      for (int i = 0; i < plans.length; i++) {
        assertThat(arrivals.requestsOf(firstId + i)).as("backend requests of stream %d (a second is a replay)",
            firstId + i).hasSize(1);
      }
      await("the backend seeing every hang-up and ending every other stream").atMost(HANG_UP_BOUND.plusSeconds(5))
          .until(() -> IntStream.range(0, plans.length).allMatch(i -> plans[i] == Plan.READ_TO_END
              ? upstream(i).completed() : upstream(i).clientClosedNanos() != null));
    }

    /** Every hang-up was a reset on the backend, not a stream that ran to its end, and reached it within the bound. */
    void assertHangUpsResetWithin(Duration bound) {
      for (int i : hungUp()) {
        assertThat(upstream(i).completed()).as("stream %d was hung up; its backend request must stop", firstId + i)
            .isFalse();
        assertThat(Duration.ofNanos(upstream(i).clientClosedNanos() - outcomes[i].hangUpNanos))
            .as("stream %d (%s): client hang-up to the backend seeing the close", firstId + i, plans[i])
            .isLessThan(bound);
      }
    }

    RecordedRequest upstream(int i) {
      return arrivals.requestsOf(firstId + i).get(0);
    }

    List<Integer> hungUp() {
      return IntStream.range(0, plans.length).filter(i -> plans[i] != Plan.READ_TO_END).boxed().toList();
    }

    /** Client hang-up to the backend seeing its connection closed, per hung-up stream of this plan. */
    List<Long> gaps(Plan plan) {
      return IntStream.range(0, plans.length).filter(i -> plans[i] == plan)
          .mapToObj(i -> upstream(i).clientClosedNanos() - outcomes[i].hangUpNanos).toList();
    }

    void print(String label) {
      long silent = IntStream.range(0, plans.length)
          .filter(i -> plans[i] == Plan.HANG_UP_BEFORE_FIRST_TOKEN && !outcomes[i].bytesBeforeHangUp).count();
      System.out.printf("replicas behind nginx, %s: %d streams in %.2f s (%d read to the end, %d hung up before the"
              + " first token [%d before any byte], %d after it)%n", label, plans.length, nanos / 1e9,
          plans.length - hungUp().size(), gaps(Plan.HANG_UP_BEFORE_FIRST_TOKEN).size(), silent,
          gaps(Plan.HANG_UP_AFTER_FIRST_TOKEN).size());
      printGaps(label + ", client hang-up before the first token to the backend seeing the close",
          gaps(Plan.HANG_UP_BEFORE_FIRST_TOKEN));
      printGaps(label + ", client hang-up after the first token to the backend seeing the close",
          gaps(Plan.HANG_UP_AFTER_FIRST_TOKEN));
      printGaps(label + ", nginx's own part (client hang-up to nginx closing the upstream, ms resolution)",
          nginxGaps());
    }

    /** From the client's hang-up to nginx ending the request (closing the upstream), from its access log. */
    private List<Long> nginxGaps() {
      Map<String, Double> finished;
      try {
        finished = nginx.finishedMillis();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return hungUp().stream().filter(i -> finished.containsKey("s" + (firstId + i)))
          .map(i -> (long) ((finished.get("s" + (firstId + i)) - outcomes[i].hangUpEpochMillis) * 1e6)).toList();
    }
  }

  /**
   * nginx passes the client's Host on, so a replica on a loopback listener still refuses a name it does not know
   * (DNS rebinding) and accepts the public name it was started with ({@code --allowed-hosts}).
   */
  private void assertHostGuardHoldsBehindNginx() throws Exception {
    int port = nginx.port();
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> local = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tags"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(local.statusCode()).as("/api/tags through nginx: %s", local.body()).isEqualTo(200);
    assertThat(local.body()).contains(ALIAS + ":latest");
    assertThat(local.headers().firstValue("X-Request-Id")).as("nginx's $request_id for a request without one")
        .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
    try (RawHttp raw = RawHttp.connect(port)) {
      String answer = raw.sendRaw("GET /api/tags HTTP/1.1\r\nHost: rebind.evil.example\r\nConnection: close\r\n\r\n")
          .readUntil("\r\n\r\n");
      assertThat(answer).as("a foreign Host through nginx").startsWith("HTTP/1.1 403");
    }
  }

  private static Path freshDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(dir).toAbsolutePath();
  }

  private static String body(int stream, Plan plan) {
    int predict = plan == Plan.READ_TO_END ? TOKENS : HUNG_UP_TOKENS;
    return "{\"model\":\"" + ALIAS + "\",\"stream\":true,\"options\":{\"num_predict\":" + predict + "},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + ArrivalWatch.marker(stream) + "\"}]}";
  }

  private void startSimulator() {
    for (int i = 0; i < 3; i++) {
      LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
      simulators.add(simulator);
      simulator.script()
          .tokens(IntStream.range(0, HUNG_UP_TOKENS).mapToObj(k -> " t" + k).toList())
          .tokenInterval(TOKEN_INTERVAL)
          .prefillDelay(PREFILL)
          // Capacity is not what this test is about: each backend takes as many streams as routing sends it.
          .parallel(1000);
    }
  }

  private Replica startReplica(String publicName, Path models) throws Exception {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--allowed-hosts", publicName,
            "--models-file", models.toString()}, Map.of())
        .withListen(new ListenAddress("127.0.0.1", 0))
        .withBackends(simulators.stream().map(simulator -> BackendSpec.of(URI.create(simulator.baseUrl()))).toList());
    Vertx vertx = Vertx.vertx();
    try {
      return new Replica(vertx, ProxyServer.start(vertx, config).await(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  private static void printGaps(String label, List<Long> gapsNanos) {
    if (gapsNanos.isEmpty()) {
      return;
    }
    long[] sorted = gapsNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("%s: median %.1f ms, p99 %.1f ms, max %.1f ms (%d streams)%n",
        label, sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
        sorted[sorted.length - 1] / 1e6, sorted.length);
  }

  @AfterEach
  void stop() {
    if (arrivals != null) {
      arrivals.close();
    }
    if (client != null) {
      client.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    for (Replica replica : replicas) {
      try {
        replica.server().shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Closing its Vert.x below releases whatever is left.
      }
      replica.vertx().close();
    }
    simulators.forEach(LmStudioSimulator::close);
  }
}
