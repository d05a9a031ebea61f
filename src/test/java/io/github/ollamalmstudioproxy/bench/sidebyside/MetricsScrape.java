package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code GET /metrics} of a proxy, read as Prometheus text: the samples by name and labels. Only what the
 * several-backends section needs: plain values, no types or help lines.
 */
final class MetricsScrape {
  private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  /** One sample: its labels (in the order printed) and value. */
  record Sample(Map<String, String> labels, double value) {}

  private final Map<String, List<Sample>> samples = new LinkedHashMap<>();

  private MetricsScrape(String text) {
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.computeIfAbsent(m.group(1), k -> new ArrayList<>())
          .add(new Sample(labels, Double.parseDouble(m.group(3))));
    }
  }

  static MetricsScrape parse(String text) {
    return new MetricsScrape(text);
  }

  static MetricsScrape of(int port) throws IOException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(20)).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET /metrics answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Every sample of {@code name}. */
  List<Sample> all(String name) {
    return samples.getOrDefault(name, List.of());
  }

  /** The sample of {@code name} whose label {@code label} is {@code value}; NaN when there is none. */
  double value(String name, String label, String value) {
    for (Sample s : all(name)) {
      if (value.equals(s.labels().get(label))) {
        return s.value();
      }
    }
    return Double.NaN;
  }

  /** The sample of {@code name} without labels, 0 when there is none (a meter nothing has recorded into yet). */
  double value(String name) {
    for (Sample s : all(name)) {
      if (s.labels().isEmpty()) {
        return s.value();
      }
    }
    return 0;
  }
}
