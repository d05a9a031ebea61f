package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.upstream.Caller;
import io.github.ollamalmstudioproxy.upstream.LoadDeadline;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One request's life: its id, its start time, the model it concerns, one cancellation signal, one load deadline and
 * one {@link ResponseState}.
 *
 * <p>Cancellation is fed by the client connection's close, which Vert.x reports from the read side, so it fires
 * while the response is still silent (a prompt prefill or a model load) and not only at the next write. Everything
 * the request started upstream registers an {@link #onCancel} action, typically "reset the backend request", so a
 * client that leaves frees the backend at once instead of letting it generate for nobody.
 *
 * <p>All methods run on the request's event loop, so no locking is needed.
 */
public final class RequestScope implements Caller {
  /** The error body shape of the route: Ollama's {@code {"error":"..."}} or OpenAI's {@code {"error":{...}}}. */
  enum ErrorShape { OLLAMA, OPENAI }

  private final String id;
  private final long startNanos;
  private final HttpServerRequest request;
  private final Context context;
  private final List<Runnable> cancelActions = new ArrayList<>(2);
  private final List<Runnable> cutOffActions = new ArrayList<>(1);
  /** Gives back the memory budget the request body holds; null once given back. */
  private Runnable bodyRelease;
  private final ResponseState state = new ResponseState();
  private final LoadDeadline loadDeadline = new LoadDeadline();
  private ErrorShape errorShape = ErrorShape.OLLAMA;
  private boolean cancelled;
  private boolean finished;
  private String model;
  private String route = "unmatched";
  private boolean admitted;

  RequestScope(String id, HttpServerRequest request) {
    this.id = id;
    this.request = request;
    this.startNanos = System.nanoTime();
    this.context = Vertx.currentContext();
  }

  /** The event loop this request runs on; work from other threads must hop onto it. */
  Context context() {
    return context;
  }

  @Override
  public String id() {
    return id;
  }

  long startNanos() {
    return startNanos;
  }

  HttpServerRequest request() {
    return request;
  }

  HttpServerResponse response() {
    return request.response();
  }

  ResponseState state() {
    return state;
  }

  ErrorShape errorShape() {
    return errorShape;
  }

  void errorShape(ErrorShape shape) {
    this.errorShape = shape;
  }

  /** The model the request names, for the access log and error messages; set by handlers once they know it. */
  void model(String model) {
    this.model = model;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public LoadDeadline loadDeadline() {
    return loadDeadline;
  }

  /** The matched route's template, a bounded label for metrics. */
  void route(String template) {
    this.route = template;
  }

  String route() {
    return route;
  }

  /** Marks the request as holding a slot of the in-flight cap, released when it ends. */
  void admitted() {
    admitted = true;
  }

  boolean wasAdmitted() {
    return admitted;
  }

  /** True once the client went away before its response ended. */
  @Override
  public boolean cancelled() {
    return cancelled;
  }

  /** Runs {@code action} when the client goes away before the response ends; at once if it already went. */
  @Override
  public void onCancel(Runnable action) {
    if (cancelled) {
      action.run();
    } else if (!finished) {
      cancelActions.add(action);
    }
  }

  /**
   * Registers how to end this response early when a graceful shutdown's drain time is over, e.g. an NDJSON stream
   * writes its final "cancelled" chunk. Without one, the connection is simply closed.
   */
  void onShutdownCutOff(Runnable action) {
    cutOffActions.add(action);
  }

  void clientWentAway() {
    if (cancelled || finished) {
      return;
    }
    cancelled = true;
    for (Runnable action : cancelActions) {
      action.run();
    }
    cancelActions.clear();
  }

  void cutOff() {
    if (finished || cancelled) {
      return;
    }
    if (cutOffActions.isEmpty()) {
      response().reset();
    } else {
      cutOffActions.forEach(Runnable::run);
    }
  }

  /** The request body holds memory that {@code release} gives back (see {@link BodyBudget}). */
  void holdsBody(Runnable release) {
    if (finished) {
      release.run();
    } else {
      bodyRelease = release;
    }
  }

  /**
   * Nothing built from the request body is needed any more (the backend has it and answered): its memory is given
   * back now rather than when the request ends, so a long generation does not hold it. Runs at most once.
   */
  void releaseBody() {
    Runnable release = bodyRelease;
    bodyRelease = null;
    if (release != null) {
      release.run();
    }
  }

  /** Marks the request as complete; later closes of the connection are no longer a cancellation. */
  boolean finish() {
    if (finished) {
      return false;
    }
    finished = true;
    cancelActions.clear();
    releaseBody();
    return true;
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
