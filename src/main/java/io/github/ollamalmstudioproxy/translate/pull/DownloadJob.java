package io.github.ollamalmstudioproxy.translate.pull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.Locale;

/**
 * One report of an LM Studio download job, as {@code POST /api/v1/models/download} and
 * {@code GET /api/v1/models/download/status/:job_id} answer it (LM Studio's docs, {@code 1_developer/2_rest/download.md}
 * and {@code download-status.md}): its state, its id (absent when already downloaded), and the bytes it reports.
 *
 * @param totalBytes {@code total_size_bytes}; 0 when absent
 * @param downloadedBytes {@code downloaded_bytes}; 0 when absent
 * @param errorMessage why it failed, when LM Studio says ({@code error_message}, seen in the wild, not documented)
 */
public record DownloadJob(State state, String jobId, long totalBytes, long downloadedBytes, String errorMessage) {
  /** LM Studio's documented {@code status} values. */
  public enum State {
    DOWNLOADING, PAUSED, COMPLETED, FAILED, ALREADY_DOWNLOADED;

    /** The download is over, one way or the other: nothing more to poll. */
    public boolean terminal() {
      return this == COMPLETED || this == FAILED || this == ALREADY_DOWNLOADED;
    }
  }

  /**
   * Parses one job object.
   *
   * @throws OllamaError 502 for an answer that is not a job (not JSON, no known {@code status}, no {@code job_id}
   *     for a job that is still running)
   */
  public static DownloadJob parse(String body) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw notAJob("is not JSON");
    }
    if (node == null || !node.isObject()) {
      throw notAJob("is not a JSON object");
    }
    String status = node.path("status").asText("");
    State state;
    try {
      state = State.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw notAJob("has status \"" + status + "\", which is none of LM Studio's documented ones");
    }
    String jobId = node.path("job_id").isTextual() ? node.path("job_id").textValue() : null;
    if (jobId == null && !state.terminal()) {
      throw notAJob("has no job_id");
    }
    JsonNode error = node.path("error_message");
    return new DownloadJob(state, jobId, bytes(node, "total_size_bytes"), bytes(node, "downloaded_bytes"),
        error.isTextual() && !error.textValue().isBlank() ? error.textValue() : null);
  }

  /** The error a failed job ends its pull with. */
  public OllamaError failure(DownloadTarget target) {
    return new OllamaError(500, "LM Studio could not download \"" + target.model() + "\""
        + (errorMessage == null ? "" : ": " + errorMessage));
  }

  private static long bytes(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.canConvertToLong() && value.asLong() > 0 ? value.asLong() : 0;
  }

  private static OllamaError notAJob(String what) {
    return new OllamaError(502, "the backend's answer about the download " + what);
  }
}
