package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulated LM Studio can download, and its download jobs; every method is thread-safe.
 *
 * <p>A test {@linkplain #offer offers} a model (the {@code model} and {@code quantization} a download request must
 * name, the catalog entry it becomes, its size and speed). A download of it is then a job whose bytes grow with time,
 * on a timer; at its size it is {@code completed} and the model is in the catalog (and so in every model list). Faults
 * are scripted per offer ({@link #failAt}, {@link #pauseAt}) or applied live ({@link #pause}, {@link #resume},
 * {@link #fail}, {@link #forget}). A request for a model already in the catalog is {@code already_downloaded}.
 *
 * <p>Assumed where LM Studio's docs are silent: a second request for a model whose job is still running or paused
 * answers that job (not a new one); a request for a model the catalog does not have is a 404 {@code model_not_found};
 * a failed job carries its reason in {@code error_message}.
 */
public final class SimulatorDownloads {
  /** How often running jobs grow: fine enough that a poll every 250 ms sees several steps of a one-second download. */
  static final long TICK_MILLIS = 20;

  /** A model that can be downloaded. */
  public record Offer(String model, String quantization, SimulatorModel result, long totalBytes,
      long bytesPerSecond) {
    public Offer {
      requireNonNull(model, "model");
      requireNonNull(result, "result");
      if (totalBytes <= 0 || bytesPerSecond <= 0) {
        throw new IllegalArgumentException("totalBytes and bytesPerSecond must be positive");
      }
    }

    boolean answers(String requestedModel, String requestedQuantization) {
      return model.equalsIgnoreCase(requestedModel) && (quantization == null ? requestedQuantization == null
          : quantization.equalsIgnoreCase(String.valueOf(requestedQuantization)));
    }
  }

  /** A job's state as its status route reports it. */
  public record JobView(String id, String state, long downloadedBytes, long totalBytes) {}

  private final Vertx vertx;
  private final SimulatorCatalog catalog;
  private final List<Offer> offers = new ArrayList<>();
  private final Map<String, Fault> faults = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong(0x493c7c9dedL);
  private long timer = -1;

  private record Fault(long failAt, String failMessage, long pauseAt) {}

  /** One job; its fields change under the monitor of {@link SimulatorDownloads}. */
  static final class Job {
    final String id;
    final Offer offer;
    final Instant startedAt = Instant.now();
    String state = "downloading";
    double downloaded;
    Instant completedAt;
    String errorMessage;
    long failAt = -1;
    String failMessage;
    long pauseAt = -1;

    Job(String id, Offer offer) {
      this.id = id;
      this.offer = offer;
    }
  }

  SimulatorDownloads(Vertx vertx, SimulatorCatalog catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  /** Makes {@code model} (with {@code quantization}, null for none) downloadable; it becomes {@code result}. */
  public synchronized SimulatorDownloads offer(String model, String quantization, SimulatorModel result,
      long totalBytes, long bytesPerSecond) {
    offers.add(new Offer(model, quantization, result, totalBytes, bytesPerSecond));
    return this;
  }

  /** A download of {@code model} fails once it has {@code bytes}, with {@code message} as its reason. */
  public synchronized SimulatorDownloads failAt(String model, long bytes, String message) {
    Fault old = faults.get(key(model));
    faults.put(key(model), new Fault(bytes, message, old == null ? -1 : old.pauseAt()));
    return this;
  }

  /** A download of {@code model} pauses once it has {@code bytes}, until {@link #resume}. */
  public synchronized SimulatorDownloads pauseAt(String model, long bytes) {
    Fault old = faults.get(key(model));
    faults.put(key(model), new Fault(old == null ? -1 : old.failAt(), old == null ? null : old.failMessage(), bytes));
    return this;
  }

  /** Pauses the running job of {@code model}, as the user would in LM Studio's downloads panel. */
  public synchronized void pause(String model) {
    running(model).ifPresent(job -> job.state = "paused");
  }

  public synchronized void resume(String model) {
    running(model).ifPresent(job -> {
      job.state = "downloading";
      job.pauseAt = -1;
      tick();
    });
  }

  public synchronized void fail(String model, String message) {
    running(model).ifPresent(job -> failJob(job, message));
  }

  /** The job of {@code model} disappears: its status route answers 404 {@code job_not_found} from now on. */
  public synchronized void forget(String model) {
    jobs.values().removeIf(job -> job.offer.model().equalsIgnoreCase(model));
  }

  /** Every job so far, in start order. */
  public synchronized List<JobView> jobs() {
    return jobs.values().stream().map(j -> new JobView(j.id, j.state, (long) j.downloaded, j.offer.totalBytes()))
        .toList();
  }

  /** No offers, faults or jobs. */
  public synchronized void reset() {
    offers.clear();
    faults.clear();
    jobs.clear();
  }

  /**
   * The answer to a download request: the running job of that model, a new one, {@code already_downloaded}, or
   * empty when nothing is offered under that name.
   */
  synchronized Optional<Object> start(String model, String quantization) {
    Optional<Offer> offer = offers.stream().filter(o -> o.answers(model, quantization)).findFirst();
    if (offer.map(o -> catalog.model(o.result().key()).isPresent()).orElse(false)
        || catalog.model(model).isPresent()) {
      return Optional.of("already_downloaded");
    }
    if (offer.isEmpty()) {
      return Optional.empty();
    }
    Optional<Job> running = running(model);
    if (running.isPresent()) {
      return Optional.of(running.get());
    }
    Job job = new Job("job_" + Long.toHexString(ids.getAndIncrement()), offer.get());
    Fault fault = faults.get(key(model));
    if (fault != null) {
      job.failAt = fault.failAt();
      job.failMessage = fault.failMessage();
      job.pauseAt = fault.pauseAt();
    }
    jobs.put(job.id, job);
    if (timer < 0) {
      timer = vertx.setPeriodic(TICK_MILLIS, t -> tick());
    }
    return Optional.of(job);
  }

  synchronized Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** {@code GET /api/v1/models/download/status}: every job, in one array per status. */
  synchronized ObjectNode listing() {
    ObjectNode root = SimJson.object();
    for (String state : List.of("downloading", "completed", "failed", "paused")) {
      var array = root.putArray(state);
      jobs.values().stream().filter(j -> j.state.equals(state)).forEach(j -> array.add(describe(j)));
    }
    return root;
  }

  /** Grows every running job by one tick of its speed; settles the ones that reach a scripted fault or their size. */
  private synchronized void tick() {
    boolean anyRunning = false;
    for (Job job : jobs.values()) {
      if (!job.state.equals("downloading")) {
        continue;
      }
      long total = job.offer.totalBytes();
      double next = Math.min(total, job.downloaded + job.offer.bytesPerSecond() * TICK_MILLIS / 1000.0);
      if (job.failAt >= 0 && next >= job.failAt) {
        job.downloaded = job.failAt;
        failJob(job, job.failMessage);
      } else if (job.pauseAt >= 0 && next >= job.pauseAt) {
        job.downloaded = job.pauseAt;
        job.pauseAt = -1;
        job.state = "paused";
      } else if (next >= total) {
        job.downloaded = total;
        job.state = "completed";
        job.completedAt = Instant.now();
        // The model is listed from the moment its job reports completed, as a finished download is in LM Studio.
        catalog.addModel(job.offer.result());
      } else {
        job.downloaded = next;
        anyRunning = true;
      }
    }
    if (!anyRunning && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    } else if (anyRunning && timer < 0) {
      timer = vertx.setPeriodic(TICK_MILLIS, t -> tick());
    }
  }

  private static void failJob(Job job, String message) {
    job.state = "failed";
    job.errorMessage = message;
  }

  private Optional<Job> running(String model) {
    return jobs.values().stream()
        .filter(j -> j.offer.model().equalsIgnoreCase(model))
        .filter(j -> j.state.equals("downloading") || j.state.equals("paused"))
        .findFirst();
  }

  /** A job as its status route answers it, with the fields LM Studio documents for its status. */
  synchronized ObjectNode describe(Job job) {
    ObjectNode node = SimJson.object();
    node.put("job_id", job.id);
    node.put("status", job.state);
    node.put("total_size_bytes", job.offer.totalBytes());
    node.put("downloaded_bytes", (long) job.downloaded);
    node.put("started_at", job.startedAt.toString());
    switch (job.state) {
      case "downloading" -> {
        long left = job.offer.totalBytes() - (long) job.downloaded;
        node.put("bytes_per_second", (double) job.offer.bytesPerSecond());
        node.put("estimated_completion", Instant.now().plus(Duration.ofMillis(
            1000 * left / job.offer.bytesPerSecond())).toString());
      }
      case "completed" -> node.put("completed_at", job.completedAt.toString());
      case "failed" -> {
        if (job.errorMessage != null) {
          node.put("error_message", job.errorMessage);
        }
      }
      default -> { }
    }
    return node;
  }

  private static String key(String model) {
    return model.toLowerCase(Locale.ROOT);
  }
}
