package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /v1/models} lists the {@code /api/tags} names, as Ollama's {@code ToListCompletion} does. */
class OpenAiModelsViewTest {
  static Iterable<String> cases() {
    return CatalogFixtures.cases();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theListHasTheTagsNamesInTheTagsOrder(String caseName) {
    CatalogSnapshot snapshot = CatalogFixtures.snapshot(caseName);
    JsonNode list = OpenAiModelsView.list(snapshot);
    assertThat(list.get("object").asText()).isEqualTo("list");
    List<String> ids = new ArrayList<>();
    list.get("data").forEach(m -> {
      assertThat(m.fieldNames()).toIterable().containsExactly("id", "object", "created", "owned_by");
      assertThat(m.get("object").asText()).isEqualTo("model");
      assertThat(m.get("created").isIntegralNumber()).isTrue();
      assertThat(m.get("owned_by").isTextual()).isTrue();
      ids.add(m.get("id").asText());
    });
    List<String> tags = new ArrayList<>();
    OllamaViews.tags(snapshot).get("models").forEach(m -> tags.add(m.get("model").asText()));
    assertThat(ids).isEqualTo(tags);
  }

  @Test
  void createdIsTheUnixSecondTheModelWasFirstSeenAndOwnerIsThePublisher() {
    CatalogSnapshot snapshot = CatalogFixtures.snapshot("lmstudio-v1");
    for (JsonNode m : OpenAiModelsView.list(snapshot).get("data")) {
      BackendModel model = snapshot.resolve(m.get("id").asText()).model();
      assertThat(m.get("created").asLong()).isEqualTo(snapshot.modifiedAt(model).getEpochSecond());
    }
    assertThat(OpenAiModelsView.owner("qwen/qwen3-4b:latest")).isEqualTo("qwen");
    assertThat(OpenAiModelsView.owner("text-embedding-nomic-embed-text-v1.5:q4_k_m")).isEqualTo("library");
  }

  @Test
  void oneModelIsAnsweredUnderTheNameTheClientAskedFor() {
    CatalogSnapshot snapshot = CatalogFixtures.snapshot("lmstudio-v1");
    String name = snapshot.models().get(0).key();
    JsonNode one = OpenAiModelsView.one(snapshot, name + ":latest");
    assertThat(one.get("id").asText()).isEqualTo(name + ":latest");
    assertThat(one.get("object").asText()).isEqualTo("model");
  }

  @Test
  void anUnknownModelIsOllamasNotFound() {
    OllamaError e = catchThrowableOfType(OllamaError.class,
        () -> OpenAiModelsView.one(CatalogFixtures.snapshot("lmstudio-v1"), "gpt-4o-mini"));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).isEqualTo("model 'gpt-4o-mini' not found");
  }
}
