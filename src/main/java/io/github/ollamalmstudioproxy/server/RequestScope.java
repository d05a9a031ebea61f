package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.GatewayHeaders;
import io.github.ollamalmstudioproxy.upstream.Caller;
import io.github.ollamalmstudioproxy.upstream.LoadDeadline;
import io.github.ollamalmstudioproxy.upstream.LoadListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
  /**
   * The error body shape of the route: Ollama's {@code {"error":"..."}}, OpenAI's {@code {"error":{...}}}, or
   * Anthropic's {@code {"type":"error","error":{...}}} on {@code /v1/messages}.
   */
  enum ErrorShape { OLLAMA, OPENAI, ANTHROPIC }

  private final String id;
  private final long startNanos;
  private final HttpServerRequest request;
  private final Context context;
  private final List<Runnable> cancelActions = new ArrayList<>(2);
  private final List<Runnable> cutOffActions = new ArrayList<>(1);
  /** Run once the request is over; guarded by itself, since a model lease may be granted on another thread. */
  private final List<Runnable> endActions = new ArrayList<>(1);
  private boolean ended;
  /** Gives back the memory budget the request body holds; null once given back. */
  private Runnable bodyRelease;
  private final ResponseState state = new ResponseState();
  private final LoadDeadline loadDeadline = new LoadDeadline();
  private volatile LoadListener loadListener = LoadListener.NONE;
  private ErrorShape errorShape = ErrorShape.OLLAMA;
  private boolean cancelled;
  /** The status the proxy ended the request with when it gave up on it itself (see {@link #abandon}); 0 otherwise. */
  private int abandonedWith;
  private boolean finished;
  private String model;
  private String route = "unmatched";
  private boolean admitted;
  /** How the request takes its {@code --max-in-flight} slot once its body is read; null when it takes none then. */
  private Predicate<RequestScope> admitOnBody;
  /** The timer of the total deadline ({@code --request-timeout}) while it applies; -1 otherwise. */
  private long deadlineTimer = -1;
  private boolean continueSent;

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

  /** This request's id (the client's, when it sent a sane one) and the routing headers it carries. */
  @Override
  public Map<String, String> forwardedHeaders() {
    return GatewayHeaders.of(request.headers(), id);
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
  @Override
  public LoadListener loadListener() {
    return loadListener;
  }

  /** Who hears that this request waits for its model to load ({@code --load-progress}). */
  void loadListener(LoadListener listener) {
    loadListener = listener;
  }

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

  /**
   * The route reads its whole body before it reaches the backend ({@link Routes.Trait#BODY_FIRST}): its slot is taken
   * by {@code admission} only once the body is in, so a client that is slow to send its body holds no slot meanwhile.
   */
  void admitWhenBodyRead(Predicate<RequestScope> admission) {
    this.admitOnBody = admission;
  }

  /**
   * Called by the body reader once the whole body is in: takes the slot the route waits for, if any. False when the
   * backend is busy (the caller answers 503); true when the slot was taken or none was needed.
   */
  boolean bodyRead() {
    Predicate<RequestScope> admission = admitOnBody;
    admitOnBody = null;
    return admission == null || admission.test(this);
  }

  /** Records that {@code 100 Continue} was written: the client sends its body now. */
  void continueSent() {
    continueSent = true;
  }

  boolean wasContinueSent() {
    return continueSent;
  }

  /** True once the client went away before its response ended, or the proxy gave up on the request. */
  @Override
  public boolean cancelled() {
    return cancelled;
  }

  @Override
  public boolean hungUp() {
    return cancelled && abandonedWith == 0;
  }

  /**
   * The proxy gives up on the request itself, because a deadline passed: everything the request started upstream is
   * stopped as on a hang-up (the {@link #onCancel} actions run), and from now on the request counts as cancelled, so
   * the route writes nothing more. The caller writes the one answer ({@link Replies#abandoned}) with {@code status}.
   * False, and nothing done, when the request was already over or cancelled.
   */
  boolean abandon(int status) {
    if (cancelled || finished) {
      return false;
    }
    abandonedWith = status;
    clientWentAway();
    return true;
  }

  /**
   * Arms the request's total deadline: {@code expired} runs on this request's event loop after {@code timeout},
   * unless the request is over first or its answer became a stream of tokens ({@link #tokensFlowing}). A zero
   * timeout arms nothing.
   */
  void deadline(Duration timeout, Runnable expired) {
    if (timeout.isZero() || finished || cancelled) {
      return;
    }
    deadlineTimer = context.owner().setTimer(Math.max(1, timeout.toMillis()), t -> {
      deadlineTimer = -1;
      expired.run();
    });
  }

  /**
   * The answer is a stream that produces tokens: the total deadline no longer applies (the backend's idle timeout
   * still does), so a long generation the client watches is never cut by it.
   */
  void tokensFlowing() {
    if (deadlineTimer >= 0) {
      context.owner().cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }

  /** The status of {@link #abandon}, or 0 when the proxy did not give up on the request. */
  int abandonedWith() {
    return abandonedWith;
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

  @Override
  public void onEnd(Runnable action) {
    synchronized (endActions) {
      if (!ended) {
        endActions.add(action);
        return;
      }
    }
    action.run();
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
    tokensFlowing();
    releaseBody();
    List<Runnable> atEnd;
    synchronized (endActions) {
      ended = true;
      atEnd = List.copyOf(endActions);
      endActions.clear();
    }
    atEnd.forEach(Runnable::run);
    return true;
  }

  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
