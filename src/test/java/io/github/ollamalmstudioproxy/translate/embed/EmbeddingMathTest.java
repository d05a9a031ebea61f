package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingMathTest {
  @Test
  void normalisesToUnitLength() {
    double[] v = EmbeddingMath.normalize(new double[] {3, 4});
    assertThat(v).containsExactly(new double[] {0.6, 0.8}, within(1e-12));
    assertThat(norm(EmbeddingMath.normalize(new double[] {0.1, -2.5, 7, 1e-3}))).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void zeroVectorStaysZeroInsteadOfNan() {
    assertThat(EmbeddingMath.normalize(new double[] {0, 0, 0})).containsExactly(0, 0, 0);
    assertThat(EmbeddingMath.normalize(new double[] {Double.NaN, 1})).containsExactly(0, 0);
    assertThat(EmbeddingMath.normalize(new double[] {})).isEmpty();
  }

  @Test
  void dimensionsTruncatesThenRenormalises() {
    double[] v = EmbeddingMath.normalize(new double[] {3, 4, 12}, 2);
    assertThat(v).containsExactly(new double[] {0.6, 0.8}, within(1e-12));
  }

  @Test
  void dimensionsZeroNullOrLargerKeepsEveryComponent() {
    double[] in = {3, 4, 12};
    assertThat(EmbeddingMath.normalize(in, null)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 0)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 3)).hasSize(3);
    assertThat(EmbeddingMath.normalize(in, 99)).containsExactly(new double[] {3 / 13.0, 4 / 13.0, 12 / 13.0},
        within(1e-12));
  }

  @Test
  void negativeDimensionsIsABadRequest() {
    assertThatThrownBy(() -> EmbeddingMath.normalize(new double[] {1}, -1))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void inputIsNotModified() {
    double[] in = {3, 4};
    EmbeddingMath.normalizeAll(List.of(in), 1);
    assertThat(in).containsExactly(3, 4);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
