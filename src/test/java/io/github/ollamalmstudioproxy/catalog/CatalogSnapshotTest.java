package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogSnapshotTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void loadedAndIsLoadedAnswerForKeysVariantsAndInstanceIds() {
    CatalogSnapshot s = CatalogFixtures.snapshot("lmstudio-v1");
    assertThat(s.loaded()).extracting(l -> l.instance().id())
        .containsExactly("qwen/qwen3.6-35b", "qwen/qwen3.6-35b:2");
    assertThat(s.isLoaded("qwen/qwen3.6-35b")).isTrue();
    assertThat(s.isLoaded("QWEN/qwen3.6-35b@q4_k_m")).isTrue();
    assertThat(s.isLoaded("qwen/qwen3.6-35b:2")).isTrue();
    assertThat(s.isLoaded("qwen/qwen3.6-35b:3")).isFalse();
    assertThat(s.isLoaded("google/gemma-3-12b")).isFalse();
    assertThat(s.isLoaded("nothing")).isFalse();
  }

  @Test
  void modifiedAtIsWhenTheProcessFirstSawTheModelAndSurvivesRefreshes() {
    FirstSeenRegistry registry = new FirstSeenRegistry();
    BackendModel a = BackendModel.builder("a", CatalogSource.OPENAI).build();
    BackendModel b = BackendModel.builder("b", CatalogSource.OPENAI).build();
    CatalogSnapshot first = CatalogSnapshot.of(CatalogSource.OPENAI, List.of(a), registry, T0);
    CatalogSnapshot later = CatalogSnapshot.of(CatalogSource.OPENAI, List.of(a, b), registry, T0.plusSeconds(60));
    assertThat(first.modifiedAt(a)).isEqualTo(T0);
    assertThat(later.modifiedAt(a)).isEqualTo(T0);
    assertThat(later.modifiedAt(b)).isEqualTo(T0.plusSeconds(60));
    JsonNode tags = OllamaViews.tags(later);
    assertThat(tags.get("models").get(0).get("name").asText()).as("newest first").isEqualTo("b:latest");
    assertThat(OllamaViews.tags(later)).as("identical on every call").isEqualTo(tags);
  }

  @Test
  void emptyCatalogGivesEmptyArraysNotNull() {
    CatalogSnapshot s = CatalogSnapshot.of(CatalogSource.LMSTUDIO_V1, List.of(), Map.of());
    assertThat(OllamaViews.tags(s).toString()).isEqualTo("{\"models\":[]}");
    assertThat(OllamaViews.ps(s, T0).toString()).isEqualTo("{\"models\":[]}");
  }

  @Test
  void psExpiryComesFromTheCallerThenTheTtlElseForever() {
    BackendModel.Builder b = BackendModel.builder("m", CatalogSource.LMSTUDIO_V1);
    b.loadedInstances = List.of(new LoadedInstance("m", 4096, null),
        new LoadedInstance("m:2", 4096, Duration.ofMinutes(60)), new LoadedInstance("m:3", null, null));
    CatalogSnapshot s = CatalogSnapshot.of(CatalogSource.LMSTUDIO_V1, List.of(b.build()), Map.of());
    JsonNode ps = OllamaViews.ps(s, T0, Map.of("m:3", T0.plusSeconds(5)));
    assertThat(ps.get("models")).extracting(e -> e.get("name").asText() + " " + e.get("expires_at").asText())
        .containsExactly("m:latest 2318-01-01T00:00:00.000000+00:00", "m:2 2026-01-01T01:00:00.000000+00:00",
            "m:3 2026-01-01T00:00:05.000000+00:00");
    assertThat(ps.get("models").get(2).has("context_length")).as("unknown loaded context is left out").isFalse();
  }

  @Test
  void showUsesTheLoadedContextOrWhatALoadGivesForNumCtxAndTheMaximumForModelInfo() {
    CatalogSnapshot s = CatalogFixtures.snapshot("lmstudio-v1");
    JsonNode second = OllamaViews.show(s, "qwen/qwen3.6-35b:2");
    assertThat(second.get("parameters").asText()).isEqualTo("num_ctx                        8192");
    assertThat(second.get("model_info").get("qwen3moe.context_length").asInt()).isEqualTo(262144);
    // Not loaded: a request gets what a load gives, which only a load's echo tells; never the maximum (issue 13).
    JsonNode notLoaded = OllamaViews.show(s, "google/gemma-3-12b");
    assertThat(notLoaded.get("parameters").asText()).isEmpty();
    assertThat(notLoaded.get("modelfile").asText()).doesNotContain("num_ctx");
    assertThat(notLoaded.get("model_info").get("gemma3.context_length").asInt()).isEqualTo(131072);
    JsonNode toldByALoad = OllamaViews.show(s, "google/gemma-3-12b",
        key -> key.equals("google/gemma-3-12b") ? 4096 : null);
    assertThat(toldByALoad.get("parameters").asText()).isEqualTo("num_ctx                        4096");
    assertThat(toldByALoad.get("model_info").get("gemma3.context_length").asInt()).isEqualTo(131072);
  }

  @Test
  void showOfAVariantReportsThatVariantsQuantizationAndDigest() {
    CatalogSnapshot s = CatalogFixtures.snapshot("lmstudio-v1");
    JsonNode q8 = OllamaViews.show(s, "qwen/qwen3.6-35b:q8_0");
    JsonNode q4 = OllamaViews.show(s, "qwen/qwen3.6-35b:latest");
    assertThat(q8.get("details").get("quantization_level").asText()).isEqualTo("Q8_0");
    assertThat(q8.get("modelfile").asText()).contains("\nFROM qwen/qwen3.6-35b:q8_0\n");
    assertThat(Digests.of("qwen/qwen3.6-35b", "Q8_0")).isNotEqualTo(Digests.of("qwen/qwen3.6-35b", "Q4_K_M"));
    assertThat(q4.get("details").get("quantization_level").asText()).isEqualTo("Q4_K_M");
  }
}
