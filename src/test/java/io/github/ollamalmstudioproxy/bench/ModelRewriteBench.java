package io.github.ollamalmstudioproxy.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.translate.openai.ChatBodyRepair;
import io.github.ollamalmstudioproxy.translate.openai.ModelField;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What resolving {@code model} on a {@code /v1/chat/completions} body costs the proxy: the streaming scan that finds
 * the field ({@link ModelField}) and the one that decides whether the body needs reshaping ({@link ChatBodyRepair}),
 * against what re-serialising the body would cost (a Jackson tree read and written again), on a small chat and on
 * bodies carrying one base64 image of 10 and 40 MB, with {@code model} last (the worst case: every byte is scanned).
 * Run: {@code bench/jmh.sh ModelRewriteBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ModelRewriteBench {
  @Param({"0", "10", "40"})
  public int imageMegabytes;

  private byte[] body;
  private final ObjectMapper mapper = JsonMapper.builder().build();

  @Setup
  public void setUp() {
    char[] image = new char[imageMegabytes * 1_000_000];
    Arrays.fill(image, 'A');
    String content = imageMegabytes == 0 ? "\"Hello there, how are you?\""
        : "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":"
            + "\"data:image/png;base64," + new String(image) + "\"}}]";
    body = ("{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":"
        + content + "}],\"stream\":true,\"temperature\":0.1,\"model\":\"qwen/qwen3-4b:latest\"}").getBytes(UTF_8);
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength(Integer.MAX_VALUE).build());
  }

  @Benchmark
  public ModelField.Found findModel() {
    return ModelField.find(body, 0, body.length).orElseThrow();
  }

  @Benchmark
  public boolean decideRepair() {
    return ChatBodyRepair.needed(body, 0, body.length);
  }

  /** The alternative not taken: parse the body into a tree, set the field, write it all again. */
  @Benchmark
  public byte[] treeRoundTrip() throws Exception {
    JsonNode tree = mapper.readTree(body);
    ((ObjectNode) tree).put("model", "qwen/qwen3-4b");
    return mapper.writeValueAsBytes(tree);
  }
}
