package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asserts on the serialised bytes: which keys exist matters more than the values here. */
class EmbedBodiesTest {
  @Test
  void embedEchoesTheModelAndWritesNormalisedFloat32Vectors() {
    String body = text(EmbedBodies.embed("nomic-embed-text", List.of(new float[] {3, 4}, new float[] {1, 0}), null,
        1_500_000L, 200L, 7));
    assertThat(body).isEqualTo("{\"model\":\"nomic-embed-text\",\"embeddings\":[[0.6,0.8],[1.0,0.0]],"
        + "\"total_duration\":1500000,\"load_duration\":200,\"prompt_eval_count\":7}");
  }

  /**
   * The Vercel AI SDK provider ({@code ollama-ai-provider-v2}) rejects an embed answer without
   * {@code load_duration} and {@code prompt_eval_count}, so they are written even when zero: a measured zero, or the
   * backend's own count of 0 (LM Studio always reports 0), never a guessed number. Ollama fills all three
   * ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:1016-1022}).
   */
  @Test
  void metricsAreAlwaysWrittenEvenWhenZero() {
    String body = text(EmbedBodies.embed("m", List.of(new float[] {1}), null, 5L, 0L, 0));
    assertThat(body).isEqualTo("{\"model\":\"m\",\"embeddings\":[[1.0]],\"total_duration\":5,"
        + "\"load_duration\":0,\"prompt_eval_count\":0}");
  }

  @Test
  void emptyInputGivesAnEmptyEmbeddingsArray() {
    assertThat(text(EmbedBodies.embed("m", List.of(), null, 10L, 0L, 0)))
        .isEqualTo("{\"model\":\"m\",\"embeddings\":[],\"total_duration\":10,\"load_duration\":0,"
            + "\"prompt_eval_count\":0}");
  }

  @Test
  void legacyBodyHasOnlyTheEmbeddingInFloat64AsTheEngineComputedIt() {
    assertThat(text(EmbedBodies.legacyEmbedding(new float[] {0.5f, -2, -0.04603976f})))
        .isEqualTo("{\"embedding\":[0.5,-2.0,-0.04603976011276245]}");
    assertThat(text(EmbedBodies.legacyEmbedding(new float[] {}))).isEqualTo("{\"embedding\":[]}");
  }

  @Test
  void dimensionsTruncatesThenRenormalisesToUnitLength() {
    assertThat(text(EmbedBodies.embed("m", List.of(new float[] {3, 4, 12}), 2, 1L, 0L, 0)))
        .startsWith("{\"model\":\"m\",\"embeddings\":[[0.6,0.8]],");
  }

  @Test
  void theModelNameKeepsAnEmojiAsFourBytesOfUtf8() {
    assertThat(text(EmbedBodies.embed("m\uD83D\uDE00", List.of(), null, 1L, 0L, 0)))
        .startsWith("{\"model\":\"m\uD83D\uDE00\",\"embeddings\":[],");
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
