package io.github.ollamalmstudioproxy.deploy;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.RequestLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which test stream each backend request belongs to, as they arrive: every chat request the simulators record is
 * matched by the marker its prompt carries ({@code "stream 17"}), so the test can hang up a stream once a backend
 * has it and later account for every stream by what the backends saw. One daemon thread reads the logs every few ms.
 */
final class ArrivalWatch implements AutoCloseable {
  private static final Pattern MARKER = Pattern.compile("\"stream (\\d+)\"");

  private final List<RequestLog> logs;
  private final String path;
  private final Map<Integer, List<RecordedRequest>> byStream = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<RecordedRequest>> first = new ConcurrentHashMap<>();
  private final List<RecordedRequest> unmatched = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** Watches requests to {@code path} in each backend's log. */
  ArrivalWatch(List<RequestLog> logs, String path) {
    this.logs = List.copyOf(logs);
    this.path = path;
    thread = new Thread(this::watch, "arrival-watch");
    thread.setDaemon(true);
    thread.start();
  }

  static String marker(int stream) {
    return "stream " + stream;
  }

  /** Completes when the backend received stream {@code stream}'s request. */
  CompletableFuture<RecordedRequest> arrived(int stream) {
    return first.computeIfAbsent(stream, k -> new CompletableFuture<>());
  }

  /** The backend requests that carried this stream's marker (more than one would be a replay). */
  List<RecordedRequest> requestsOf(int stream) {
    return byStream.getOrDefault(stream, List.of());
  }

  /** Backend requests on the path whose prompt carries no marker. */
  List<RecordedRequest> unmatched() {
    return unmatched;
  }

  private void watch() {
    int[] seen = new int[logs.size()];
    while (running) {
      for (int b = 0; b < logs.size(); b++) {
        List<RecordedRequest> all = logs.get(b).all();
        for (int i = seen[b]; i < all.size(); i++) {
          take(all.get(i));
        }
        seen[b] = all.size();
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void take(RecordedRequest request) {
    if (!request.pathOnly().equals(path)) {
      return;
    }
    Matcher m = MARKER.matcher(request.body());
    if (!m.find()) {
      unmatched.add(request);
      return;
    }
    int stream = Integer.parseInt(m.group(1));
    byStream.computeIfAbsent(stream, k -> new CopyOnWriteArrayList<>()).add(request);
    arrived(stream).complete(request);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
