package io.github.ollamalmstudioproxy.translate.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.pull.DownloadJob.State;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LM Studio's job reports and the Ollama progress lines made of them, compared as the bytes that go out. */
class PullProgressTest {
  private static final DownloadTarget TARGET = DownloadTarget.of("openai/gpt-oss-20b");
  private static final String ID = TARGET.digest().substring(7, 19);

  /** The documented answer of POST /api/v1/models/download (LM Studio docs, 1_developer/2_rest/download.md). */
  @Test
  void documentedDownloadingAnswerBecomesOneProgressLineWithDigestTotalAndCompleted() {
    DownloadJob job = DownloadJob.parse("{\"job_id\":\"job_493c7c9ded\",\"status\":\"downloading\","
        + "\"total_size_bytes\":2279145003,\"downloaded_bytes\":948,\"bytes_per_second\":7834.71,"
        + "\"estimated_completion\":\"2025-10-07T00:21:47.030Z\",\"started_at\":\"2025-10-03T15:33:23.496Z\"}");

    assertThat(job).isEqualTo(new DownloadJob(State.DOWNLOADING, "job_493c7c9ded", 2279145003L, 948, null));
    assertThat(text(PullProgress.progress(TARGET, job))).isEqualTo("{\"status\":\"pulling " + ID
        + "\",\"digest\":\"" + TARGET.digest() + "\",\"total\":2279145003,\"completed\":948}\n");
  }

  /** Ollama's ProgressResponse has total and completed omitempty (api/types.go:777-782): a 0 is left out. */
  @Test
  void zeroBytesAreLeftOutAsOllamaOmitsThemButTheDigestStays() {
    DownloadJob job = DownloadJob.parse("{\"job_id\":\"j\",\"status\":\"downloading\",\"downloaded_bytes\":0}");

    assertThat(text(PullProgress.progress(TARGET, job)))
        .isEqualTo("{\"status\":\"pulling " + ID + "\",\"digest\":\"" + TARGET.digest() + "\"}\n");
  }

  /** The order of server/images.go PullModel (v0.33.0-rc2, lines 1021, 1073, 1097, 1122). */
  @Test
  void linesAroundTheProgressAreOllamasInItsOrderAndSuccessIsBare() {
    assertThat(text(PullProgress.MANIFEST)).isEqualTo("{\"status\":\"pulling manifest\"}\n");
    assertThat(PullProgress.FINISHED.stream().map(PullProgressTest::text).toList()).isEqualTo(List.of(
        "{\"status\":\"verifying sha256 digest\"}\n", "{\"status\":\"writing manifest\"}\n",
        "{\"status\":\"success\"}\n"));
  }

  @Test
  void alreadyDownloadedHasNoJobIdAndIsTerminal() {
    DownloadJob job = DownloadJob.parse("{\"status\":\"already_downloaded\"}");

    assertThat(job.state()).isEqualTo(State.ALREADY_DOWNLOADED);
    assertThat(job.state().terminal()).isTrue();
    assertThat(job.jobId()).isNull();
  }

  @Test
  void failedJobEndsThePullWithLmStudiosReasonWhenItGivesOne() {
    DownloadJob withReason = DownloadJob.parse("{\"job_id\":\"j\",\"status\":\"failed\",\"downloaded_bytes\":5,"
        + "\"total_size_bytes\":9,\"error_message\":\"ENOSPC: no space left on device\"}");
    DownloadJob without = DownloadJob.parse("{\"job_id\":\"j\",\"status\":\"failed\"}");

    assertThat(withReason.failure(TARGET)).hasMessage("LM Studio could not download \"openai/gpt-oss-20b\": ENOSPC: "
        + "no space left on device");
    assertThat(without.failure(TARGET)).hasMessage("LM Studio could not download \"openai/gpt-oss-20b\"");
  }

  @Test
  void pausedIsNotTerminal() {
    assertThat(DownloadJob.parse("{\"job_id\":\"j\",\"status\":\"paused\"}").state().terminal()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "not json", "{\"status\":\"queued\",\"job_id\":\"j\"}",
      "{\"status\":\"downloading\"}"})
  void answerThatIsNotAJobIsA502(String body) {
    assertThatThrownBy(() -> DownloadJob.parse(body))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(502))
        .hasMessageStartingWith("the backend's answer about the download ");
  }

  private static String text(byte[] line) {
    return new String(line, StandardCharsets.UTF_8);
  }
}
