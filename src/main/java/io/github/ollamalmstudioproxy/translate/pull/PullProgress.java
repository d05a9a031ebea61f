package io.github.ollamalmstudioproxy.translate.pull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Ollama's pull progress lines, each one compact JSON object and {@code '\n'}, in the order Ollama writes them
 * ({@code server/images.go} PullModel): {@link #MANIFEST}, then a {@link #progress} line per report, then
 * {@link #FINISHED}, the last of which is the bare {@code {"status":"success"}} Open WebUI and the CLI compare by
 * equality.
 */
public final class PullProgress {
  /** Written before the backend is asked anything, as Ollama writes it before it fetches the manifest. */
  public static final byte[] MANIFEST = line("{\"status\":\"pulling manifest\"}");
  public static final String SUCCESS = "{\"status\":\"success\"}";
  /** {@link #SUCCESS} as the stream's last line. */
  public static final byte[] SUCCESS_LINE = line(SUCCESS);
  /**
   * After the last progress line. LM Studio checks its own files; these two stages are Ollama's markers that the
   * download is over, which clients show as steps, not work the proxy does.
   */
  public static final List<byte[]> FINISHED = List.of(line("{\"status\":\"verifying sha256 digest\"}"),
      line("{\"status\":\"writing manifest\"}"), SUCCESS_LINE);

  private PullProgress() {}

  /**
   * {@code {"status":"pulling <12 hex>","digest":"sha256:<64 hex>","total":T,"completed":C}}: one layer, the whole
   * download ({@code server/download.go} blobDownload.Wait). The digest is always there (Open WebUI computes its
   * percentage only when it is); {@code total} and {@code completed} are the job's own numbers and, as in Ollama
   * ({@code api/types.go} ProgressResponse, {@code omitempty}), left out while they are 0.
   */
  public static byte[] progress(DownloadTarget target, DownloadJob job) {
    ObjectNode line = Json.NODES.objectNode()
        .put("status", "pulling " + target.digest().substring(7, 19))
        .put("digest", target.digest());
    if (job.totalBytes() > 0) {
      line.put("total", job.totalBytes());
    }
    if (job.downloadedBytes() > 0) {
      line.put("completed", job.downloadedBytes());
    }
    return line(line.toString());
  }

  private static byte[] line(String json) {
    return (json + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
