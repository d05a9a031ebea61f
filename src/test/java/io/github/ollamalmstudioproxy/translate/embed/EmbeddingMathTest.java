package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import org.junit.jupiter.api.Test;

class EmbeddingMathTest {
  @Test
  void normalisesToUnitLength() {
    float[] v = EmbeddingMath.normalize(new float[] {3, 4});
    assertThat(v).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
    assertThat(norm(EmbeddingMath.normalize(new float[] {0.1f, -2.5f, 7, 1e-3f}))).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void zeroVectorStaysZeroInsteadOfNan() {
    assertThat(EmbeddingMath.normalize(new float[] {0, 0, 0})).containsExactly(0, 0, 0);
    assertThat(EmbeddingMath.normalize(new float[] {Float.NaN, 1})).containsExactly(0, 0);
    assertThat(EmbeddingMath.normalize(new float[] {})).isEmpty();
  }

  @Test
  void dimensionsTruncatesThenRenormalises() {
    float[] v = EmbeddingMath.normalize(new float[] {3, 4, 12}, 2);
    assertThat(v).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
  }

  @Test
  void dimensionsZeroNullOrLargerKeepsEveryComponent() {
    float[] in = {3, 4, 12};
    assertThat(EmbeddingMath.normalize(in, null)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 0)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 3)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 99)).containsExactly(new float[] {3 / 13f, 4 / 13f, 12 / 13f},
        within(1e-6f));
  }

  @Test
  void negativeDimensionsIsABadRequest() {
    assertThatThrownBy(() -> EmbeddingMath.normalize(new float[] {1}, -1))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void inputIsNotModified() {
    float[] in = {3, 4};
    EmbeddingMath.normalize(in, 1);
    assertThat(in).containsExactly(3, 4);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
