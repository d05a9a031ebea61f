package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid requests with a fixed seed and checks the proxy's promises on every one: an answer within a bound
 * (never a hang), never a 5xx of its own making, and a proxy that still answers afterwards. A failing case prints its
 * seed-determined index and body, so it can be replayed.
 */
class FuzzIT {
  private static final long SEED = 20261125L;
  private static final int CASES = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<Map.Entry<String, String>> VALID = List.of(
      Map.entry("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"think\":false,\"format\":\"json\","
          + "\"options\":{\"temperature\":0.2,\"num_predict\":4,\"stop\":[\"x\"]},\"keep_alive\":\"5m\","
          + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
          + "\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"hi\","
          + "\"images\":[\"iVBORw0KGgo=\"]},{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":"
          + "{\"name\":\"f\",\"arguments\":{\"a\":1}}}]},{\"role\":\"tool\",\"content\":\"r\",\"tool_name\":\"f\"}]}"),
      Map.entry("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\",\"system\":\"s\",\"stream\":true,"
          + "\"raw\":false,\"options\":{\"seed\":1,\"top_k\":3}}"),
      Map.entry("/api/embed", "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"a\",\"b\"],"
          + "\"dimensions\":8}"),
      Map.entry("/api/embeddings", "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"prompt\":\"a\"}"),
      Map.entry("/api/show", "{\"model\":\"qwen/qwen3-4b\",\"verbose\":true}"));

  @Test
  void mutatedRequestsNeverHangAndNeverGetAProxyMadeServerError() throws Exception {
    Random random = new Random(SEED);
    Map<Integer, String> statuses = new ConcurrentHashMap<>();
    List<String> failures = new ArrayList<>();
    try (ProxyHarness harness = ProxyHarness.start("--max-body-size", "1MiB")) {
      harness.simulator().script().tokens(List.of("a", "b")).tokenInterval(Duration.ZERO);
      for (int i = 0; i < CASES; i++) {
        Map.Entry<String, String> base = VALID.get(random.nextInt(VALID.size()));
        String body = mutate(base.getValue(), random);
        HttpResponse<String> response = harness.send(HttpRequest.newBuilder(harness.url(base.getKey()))
            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        statuses.merge(response.statusCode(), "x", String::concat);
        if (response.statusCode() >= 500 || !looksLikeOllama(response)) {
          failures.add("#" + i + " " + base.getKey() + " " + response.statusCode() + " " + response.body()
              + "\n  body: " + body);
        }
      }
      assertThat(harness.get("/api/version").statusCode()).isEqualTo(200);
      assertThat(harness.proxy().activeRequests()).isZero();
    }
    StringBuilder summary = new StringBuilder();
    statuses.forEach((status, marks) -> summary.append(status).append('=').append(marks.length()).append(' '));
    System.out.println("fuzz: " + CASES + " cases, statuses " + summary);
    assertThat(failures).isEmpty();
  }

  /** Every answer is either a success or Ollama's error shape. */
  private static boolean looksLikeOllama(HttpResponse<String> response) {
    if (response.statusCode() < 400) {
      return true;
    }
    return response.body().startsWith("{\"error\":\"");
  }

  private static String mutate(String valid, Random random) throws Exception {
    return switch (random.nextInt(6)) {
      case 0 -> valid.substring(0, random.nextInt(valid.length()));
      case 1 -> {
        StringBuilder b = new StringBuilder(valid);
        int at = random.nextInt(b.length());
        b.insert(at, (char) (random.nextInt(0x3000) + 1));
        yield b.toString();
      }
      default -> {
        JsonNode tree = JSON.readTree(valid);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
          mutateSomewhere(tree, random);
        }
        yield JSON.writeValueAsString(tree);
      }
    };
  }

  private static void mutateSomewhere(JsonNode root, Random random) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (random.nextInt(4) == 0) {
        object.remove(name);
      } else {
        object.set(name, randomValue(random));
      }
    } else if (target instanceof ArrayNode array) {
      if (array.size() > 0 && random.nextBoolean()) {
        array.set(random.nextInt(array.size()), randomValue(random));
      } else {
        array.add(randomValue(random));
      }
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  private static JsonNode randomValue(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt(2001) - 1000);
      case 3 -> NODES.numberNode(random.nextDouble() * 1e12);
      case 4 -> NODES.textNode("");
      case 5 -> NODES.textNode("ünïcödé ✓ \u0000 " + random.nextInt());
      case 6 -> NODES.arrayNode().add(random.nextInt()).add("x");
      case 7 -> NODES.objectNode().put("k", "v");
      case 8 -> NODES.numberNode(Long.MAX_VALUE);
      default -> NODES.textNode("-1");
    };
  }
}
