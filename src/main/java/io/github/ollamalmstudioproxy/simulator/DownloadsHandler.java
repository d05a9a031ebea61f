package io.github.ollamalmstudioproxy.simulator;

import io.github.ollamalmstudioproxy.simulator.SimulatorDownloads.Job;

/**
 * LM Studio 0.4's download routes: {@code POST /api/v1/models/download}, {@code GET /api/v1/models/download/status}
 * and {@code GET /api/v1/models/download/status/:job_id}, with the fields LM Studio's docs list per status
 * ({@code lmstudio-ai/docs:1_developer/2_rest/download.md}, {@code download-status.md}).
 */
final class DownloadsHandler {
  private final SimulatorDownloads downloads;

  DownloadsHandler(SimulatorDownloads downloads) {
    this.downloads = downloads;
  }

  void start(Exchange exchange) {
    String model = SimJson.text(exchange.body, "model");
    if (model == null) {
      exchange.fail(SimulatorFailure.native1(400, "invalid_request", "invalid_request",
          "'model' is required and must be a string.", "model"));
      return;
    }
    downloads.start(model, SimJson.text(exchange.body, "quantization")).ifPresentOrElse(answer -> {
      if (answer instanceof Job job) {
        exchange.sendJson(200, downloads.describe(job));
      } else {
        // The documented already_downloaded answer has no job_id, sizes or times.
        exchange.sendJson(200, SimJson.object().put("status", "already_downloaded"));
      }
    }, () -> exchange.fail(SimulatorFailure.native1(404, "model_not_found", "model_not_found",
        "Could not find model \"" + model + "\" to download.", "model")));
  }

  void status(Exchange exchange, String jobId) {
    downloads.job(jobId).ifPresentOrElse(job -> exchange.sendJson(200, downloads.describe(job)),
        () -> exchange.fail(SimulatorFailure.native1(404, "job_not_found", "job_not_found",
            "No download job with id \"" + jobId + "\".", "job_id")));
  }

  /** Every job, in one array per status. */
  void list(Exchange exchange) {
    exchange.sendJson(200, downloads.listing());
  }
}
