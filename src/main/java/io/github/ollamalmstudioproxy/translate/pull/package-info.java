/**
 * PURE: Ollama's {@code POST /api/pull} onto LM Studio's download API ({@code POST /api/v1/models/download} and
 * {@code GET /api/v1/models/download/status/:job_id}, LM Studio 0.4+).
 *
 * <p>The HTTP layer calls, in order: {@link io.github.ollamalmstudioproxy.translate.pull.PullRequest#parse} (400 for
 * an empty or malformed name), {@link io.github.ollamalmstudioproxy.translate.pull.DownloadTarget#of} (which form of
 * name maps to which download request; 400 naming the forms LM Studio takes), then writes
 * {@link io.github.ollamalmstudioproxy.translate.pull.PullProgress} lines for each
 * {@link io.github.ollamalmstudioproxy.translate.pull.DownloadJob} the backend reports.
 *
 * <p>The contract is Ollama v0.33's {@code server/routes.go} ({@code PullHandler}, {@code waitForStream},
 * {@code streamResponse}), {@code server/images.go} ({@code PullModel}: the order of the status lines),
 * {@code server/download.go} ({@code blobDownload.Wait}: the progress line) and {@code api/types.go}
 * ({@code PullRequest}, {@code ProgressResponse}).
 */
package io.github.ollamalmstudioproxy.translate.pull;
