package io.github.ollamalmstudioproxy.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An Ollama NDJSON answer checked on its bytes: every line is one compact JSON object terminated by exactly one
 * {@code \n}, with no blank lines, the way ollama-python (which decodes every line) and ollama-js need it.
 */
public final class Ndjson {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> raw;
  private final List<JsonNode> lines;

  private Ndjson(List<String> raw, List<JsonNode> lines) {
    this.raw = raw;
    this.lines = lines;
  }

  /** Parses a streamed answer after checking its status, content type and framing. */
  public static Ndjson of(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    return parse(response.body());
  }

  /** Parses NDJSON text, failing on a blank line, a missing final newline or a line that is not one JSON object. */
  public static Ndjson parse(String body) {
    assertThat(body).as("NDJSON body").isNotEmpty().endsWith("\n").doesNotContain("\n\n").doesNotStartWith("\n")
        .doesNotContain("\r");
    List<String> raw = List.of(body.substring(0, body.length() - 1).split("\n", -1));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : raw) {
      JsonNode node = json(line);
      assertThat(node.isObject()).as("line is an object: %s", line).isTrue();
      assertThat(line).as("line is compact: %s", line).isEqualTo(node.toString());
      lines.add(node);
    }
    return new Ndjson(raw, lines);
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  public List<JsonNode> lines() {
    return lines;
  }

  public List<String> raw() {
    return raw;
  }

  public JsonNode last() {
    return lines.get(lines.size() - 1);
  }

  /** Lines before the last one. */
  public List<JsonNode> body() {
    return lines.subList(0, lines.size() - 1);
  }

  /** Checks that exactly one line has {@code done:true}, that it is the last, and that no line is an error. */
  public Ndjson endsWithOneDone() {
    assertThat(lines.stream().filter(l -> l.path("done").asBoolean(false)).count()).as("done:true lines in %s", raw)
        .isEqualTo(1);
    assertThat(last().path("done").asBoolean(false)).as("last line is done: %s", raw).isTrue();
    assertThat(lines).noneMatch(l -> l.has("error"));
    return this;
  }

  /** Checks that the stream ends with exactly one error line and that no line says done. */
  public String endsWithOneError() {
    assertThat(last().has("error")).as("last line is an error: %s", raw).isTrue();
    assertThat(lines.stream().filter(l -> l.has("error")).count()).as("error lines in %s", raw).isEqualTo(1);
    assertThat(lines).as("no done line in %s", raw).noneMatch(l -> l.path("done").asBoolean(false));
    assertThat(last().size()).as("the error line holds only the error: %s", last()).isEqualTo(1);
    return last().get("error").asText();
  }

  /** The concatenated {@code message.<field>} (chat) or top-level {@code field} (generate) of every line. */
  public String joined(String field) {
    return lines.stream().map(l -> l.has("message") ? l.path("message").path(field) : l.path(field))
        .filter(JsonNode::isTextual).map(JsonNode::asText).collect(Collectors.joining());
  }
}
