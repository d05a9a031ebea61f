package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every request the simulator received, in arrival order, with blocking waits for tests.
 *
 * <p>Requests appear once their body has been read, so {@link RecordedRequest#body()} is always complete. The waits use
 * this object's monitor: the event loop only ever holds it for a list append or a field update and a notify.
 */
public final class RequestLog {
  private final List<RecordedRequest> requests = new ArrayList<>();

  RequestLog() {}

  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** Requests whose path equals {@code path}, compared with the query string when {@code path} has one. */
  public synchronized List<RecordedRequest> byPath(String path) {
    return requests.stream().filter(matches(path)).toList();
  }

  /**
   * The first request with this path (see {@link #byPath}), waiting until one arrives.
   *
   * @throws AssertionError when none arrives within the timeout, listing what did arrive
   */
  public synchronized RecordedRequest awaitRequest(String path, Duration timeout) {
    Predicate<RecordedRequest> match = matches(path);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (RecordedRequest r : requests) {
        if (match.test(r)) {
          return r;
        }
      }
      waitUntil(deadline, () -> "no request to " + path + " within " + timeout + "; saw " + requests);
    }
  }

  /**
   * Waits until the peer closed {@code request}'s connection before its response ended.
   *
   * @return the {@link System#nanoTime()} of the close
   * @throws AssertionError when that does not happen within the timeout
   */
  public synchronized long awaitClientClose(RecordedRequest request, Duration timeout) {
    requireNonNull(request, "request");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (request.clientClosedNanos() == null) {
      waitUntil(deadline, () -> "client did not close " + request + " within " + timeout);
    }
    return request.clientClosedNanos();
  }

  /** How many {@code POST /api/v1/models/load} requests arrived. */
  public synchronized int loadCalls() {
    return (int) requests.stream()
        .filter(r -> r.method().equals("POST") && r.pathOnly().equals("/api/v1/models/load"))
        .count();
  }

  public synchronized void clear() {
    requests.clear();
  }

  synchronized void add(RecordedRequest request) {
    requests.add(request);
    notifyAll();
  }

  synchronized void clientClosed(RecordedRequest request) {
    request.markClientClosed(System.nanoTime());
    notifyAll();
  }

  synchronized void completed(RecordedRequest request) {
    request.markCompleted();
    notifyAll();
  }

  private static Predicate<RecordedRequest> matches(String path) {
    requireNonNull(path, "path");
    boolean withQuery = path.indexOf('?') >= 0;
    return r -> (withQuery ? r.path() : r.pathOnly()).equals(path);
  }

  private void waitUntil(long deadline, Supplier<String> failure) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new AssertionError(failure.get());
    }
    try {
      wait(Math.max(1, left / 1_000_000), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
