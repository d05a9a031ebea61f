package io.github.ollamalmstudioproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The properties affinity routing relies on, measured over many keys. */
class RendezvousTest {
  private static final int KEYS = 30_000;
  private static final long NAME_HASH_GPU_A = 3824469079098517362L;
  private static final double SCORE_42_GPU_A = 0.2865870528315168;

  /** Keys as {@code PrefixKey} makes them: well mixed 64-bit values (sequential ones are tested separately). */
  private static long key(int i) {
    return Rendezvous.mix64(0x9e3779b97f4a7c15L * (i + 1));
  }

  private static String winner(long key, Map<String, Integer> weights) {
    String best = null;
    double bestScore = -1;
    for (Map.Entry<String, Integer> e : weights.entrySet()) {
      double s = Rendezvous.score(key, e.getKey(), e.getValue());
      if (s > bestScore || (s == bestScore && e.getKey().compareTo(best) < 0)) {
        bestScore = s;
        best = e.getKey();
      }
    }
    return best;
  }

  private static Map<String, Integer> shares(Map<String, Integer> weights, boolean mixedKeys) {
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      count.merge(winner(mixedKeys ? key(i) : i + 1, weights), 1, Integer::sum);
    }
    return count;
  }

  @Test
  void threeEqualBackendsShareTheKeysEvenly() {
    Map<String, Integer> count = shares(Map.of("gpu-a", 1, "gpu-b", 1, "gpu-c", 1), true);
    for (String b : List.of("gpu-a", "gpu-b", "gpu-c")) {
      // A third each, within 3 % of all keys (the binomial sd is 0.27 %).
      assertThat(count.get(b) / (double) KEYS).as(b).isCloseTo(1 / 3.0, within(0.03));
    }
  }

  @Test
  void sequentialKeysSpreadAsWell() {
    Map<String, Integer> count = shares(Map.of("gpu-a", 1, "gpu-b", 1, "gpu-c", 1), false);
    for (String b : List.of("gpu-a", "gpu-b", "gpu-c")) {
      assertThat(count.get(b) / (double) KEYS).as(b).isCloseTo(1 / 3.0, within(0.03));
    }
  }

  @Test
  void weightTwoGetsAboutTwiceTheShare() {
    Map<String, Integer> count = shares(Map.of("big", 2, "small-1", 1, "small-2", 1), true);
    assertThat(count.get("big") / (double) KEYS).isCloseTo(0.5, within(0.03));
    assertThat(count.get("small-1") / (double) KEYS).isCloseTo(0.25, within(0.03));
    assertThat(count.get("small-2") / (double) KEYS).isCloseTo(0.25, within(0.03));
  }

  @Test
  void removingABackendMovesOnlyItsOwnKeys() {
    Map<String, Integer> three = Map.of("gpu-a", 1, "gpu-b", 2, "gpu-c", 1);
    Map<String, Integer> two = Map.of("gpu-a", 1, "gpu-c", 1);
    int movedFromB = 0;
    for (int i = 0; i < KEYS; i++) {
      String before = winner(key(i), three);
      String after = winner(key(i), two);
      if (before.equals("gpu-b")) {
        movedFromB++;
      } else {
        assertThat(after).as("key %d stays on %s", i, before).isEqualTo(before);
      }
    }
    assertThat(movedFromB).as("gpu-b had keys to move").isGreaterThan(KEYS / 3);
  }

  @Test
  void addingABackendTakesKeysOnlyForItself() {
    Map<String, Integer> two = Map.of("gpu-a", 1, "gpu-b", 1);
    Map<String, Integer> three = Map.of("gpu-a", 1, "gpu-b", 1, "gpu-new", 1);
    for (int i = 0; i < KEYS; i++) {
      String after = winner(key(i), three);
      if (!after.equals("gpu-new")) {
        assertThat(after).isEqualTo(winner(key(i), two));
      }
    }
  }

  @Test
  void scoresAreStableValuesNotSeededPerRun() {
    // Pinned: every replica, every JVM, every run must compute the same score, or affinity breaks across replicas.
    assertThat(Rendezvous.nameHash("gpu-a")).isEqualTo(NAME_HASH_GPU_A);
    assertThat(Rendezvous.score(42, "gpu-a", 1)).isEqualTo(SCORE_42_GPU_A);
    assertThat(Rendezvous.score(42, "gpu-a", 1)).isNotEqualTo(Rendezvous.score(43, "gpu-a", 1));
    assertThat(Rendezvous.score(42, "gpu-a", 1)).isNotEqualTo(Rendezvous.score(42, "gpu-b", 1));
    assertThat(Rendezvous.score(42, "gpu-a", 1)).isPositive().isFinite();
    assertThat(Rendezvous.score(42, "gpu-a", 0)).isZero();
    assertThat(Rendezvous.score(42, "gpu-a", 3)).isCloseTo(3 * SCORE_42_GPU_A, within(1e-12));
  }
}
