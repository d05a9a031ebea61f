package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.pull.DownloadJob;

/**
 * What one pull is told about the download it watches: each report of the job, then exactly one end. Called on the
 * backend client's threads; an implementation moves to its own request's context before it writes.
 */
public interface PullWatcher {
  /** A report of the running job (downloading, paused, or the last one of a completed job). */
  void progress(DownloadJob job);

  /** The download completed and the catalog lists the model. */
  void completed();

  /** The backend had the model already: nothing was downloaded. */
  void alreadyDownloaded();

  /** The download failed, its job vanished, or the backend could not be asked. */
  void failed(OllamaError error);
}
