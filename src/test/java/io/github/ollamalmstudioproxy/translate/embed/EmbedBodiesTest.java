package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Asserts on the serialised bytes: which keys exist matters more than the values here. */
class EmbedBodiesTest {
  @Test
  void embedEchoesTheModelAndWritesFloat32Vectors() {
    String body = EmbedBodies.embed("nomic-embed-text", List.of(new double[] {0.6, 0.8}, new double[] {1, 0}),
        1_500_000L, 200L, 7).toString();
    assertThat(body).isEqualTo("{\"model\":\"nomic-embed-text\",\"embeddings\":[[0.6,0.8],[1.0,0.0]],"
        + "\"total_duration\":1500000,\"load_duration\":200,\"prompt_eval_count\":7}");
  }

  @Test
  void unknownOrZeroMetricsAreLeftOut() {
    String body = EmbedBodies.embed("m", List.of(new double[] {1}), null, 0L, 0).toString();
    assertThat(body).isEqualTo("{\"model\":\"m\",\"embeddings\":[[1.0]]}");
  }

  @Test
  void emptyInputGivesAnEmptyEmbeddingsArray() {
    assertThat(EmbedBodies.embed("m", List.of(), 10L, null, null).toString())
        .isEqualTo("{\"model\":\"m\",\"embeddings\":[],\"total_duration\":10}");
  }

  @Test
  void legacyBodyHasOnlyTheEmbeddingInFloat64() {
    assertThat(EmbedBodies.legacyEmbedding(new double[] {0.1234567890123, -2}).toString())
        .isEqualTo("{\"embedding\":[0.1234567890123,-2.0]}");
    assertThat(EmbedBodies.legacyEmbedding(new double[] {}).toString()).isEqualTo("{\"embedding\":[]}");
  }

  @Test
  void normalisedThenTruncatedVectorsReachTheBodyAtUnitLength() {
    List<double[]> vs = EmbeddingMath.normalizeAll(List.of(new double[] {3, 4, 12}), 2);
    assertThat(EmbedBodies.embed("m", vs, null, null, null).toString())
        .isEqualTo("{\"model\":\"m\",\"embeddings\":[[0.6,0.8]]}");
  }
}
