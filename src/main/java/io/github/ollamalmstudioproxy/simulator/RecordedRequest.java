package io.github.ollamalmstudioproxy.simulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request as the simulator saw it. {@link #clientClosedNanos()} and {@link #completed()} change while the request
 * is served; wait for them with {@link RequestLog#awaitClientClose} rather than polling.
 */
public final class RecordedRequest {
  private final long id;
  private final String method;
  private final String path;
  private final Map<String, List<String>> headers;
  private final String body;
  private final long receivedNanos;
  private volatile Long clientClosedNanos;
  private volatile boolean completed;
  private final AtomicInteger tokensEmitted = new AtomicInteger();

  RecordedRequest(long id, String method, String path, Map<String, List<String>> headers, String body,
      long receivedNanos) {
    this.id = id;
    this.method = method;
    this.path = path;
    this.headers = headers;
    this.body = body;
    this.receivedNanos = receivedNanos;
  }

  /** Sequence number, from 1, in arrival order. */
  public long id() {
    return id;
  }

  public String method() {
    return method;
  }

  /** The path with its query string, e.g. {@code /v1/models?x=1}. */
  public String path() {
    return path;
  }

  /** The path without the query string. */
  public String pathOnly() {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** All headers; the map's keys are case-insensitive. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header, case-insensitively, or null. */
  public String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text; empty when there was none. */
  public String body() {
    return body;
  }

  /** {@link System#nanoTime()} when the request's headers arrived. */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** {@link System#nanoTime()} when the peer closed the connection before the response ended, else null. */
  public Long clientClosedNanos() {
    return clientClosedNanos;
  }

  /** True once the response ended normally (not for a client hang-up or a scripted abrupt close). */
  public boolean completed() {
    return completed;
  }

  /** Answer pieces (tokens) generated so far; it stops growing once the client is gone. */
  public int tokensEmitted() {
    return tokensEmitted.get();
  }

  void tokenEmitted() {
    tokensEmitted.incrementAndGet();
  }

  void markClientClosed(long nanos) {
    clientClosedNanos = nanos;
  }

  void markCompleted() {
    completed = true;
  }

  @Override
  public String toString() {
    return "#" + id + " " + method + " " + path + (completed ? " completed" : "")
        + (clientClosedNanos != null ? " client-closed" : "");
  }
}
