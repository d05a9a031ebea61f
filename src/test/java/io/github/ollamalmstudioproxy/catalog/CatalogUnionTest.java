package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogUnionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static BackendModel model(String key, boolean loaded) {
    BackendModel.Builder b = BackendModel.builder(key, CatalogSource.LMSTUDIO_V1);
    if (loaded) {
      b.loadedInstances = List.of(new LoadedInstance(key, 8192, null));
    }
    return b.build();
  }

  @Test
  void oneEntryPerKeyInBackendOrderWithTheLoadedRecordAndTheEarliestFirstSeen() {
    CatalogSnapshot a = CatalogSnapshot.of(CatalogSource.LMSTUDIO_V1, List.of(model("qwen", false), model("only-a",
        false)), Map.of("qwen", T0.plusSeconds(60), "only-a", T0));
    CatalogSnapshot b = CatalogSnapshot.of(CatalogSource.LMSTUDIO_V1, List.of(model("QWEN", true), model("only-b",
        false)), Map.of("QWEN", T0, "only-b", T0));

    CatalogSnapshot union = CatalogUnion.of(List.of(a, b));

    assertThat(union.models()).extracting(BackendModel::key).containsExactly("QWEN", "only-a", "only-b");
    assertThat(union.resolve("qwen").model().isLoaded()).as("the loaded copy stands for the model").isTrue();
    assertThat(union.modifiedAt(union.resolve("only-b").model())).isEqualTo(T0);
    assertThat(union.source()).isEqualTo(CatalogSource.LMSTUDIO_V1);
  }

  @Test
  void oneCatalogIsItsOwnUnion() {
    CatalogSnapshot a = CatalogSnapshot.of(CatalogSource.OPENAI, List.of(model("m", false)), Map.of());
    assertThat(CatalogUnion.of(List.of(a))).isSameAs(a);
  }
}
