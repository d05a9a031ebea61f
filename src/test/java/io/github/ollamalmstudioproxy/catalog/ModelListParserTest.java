package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelListParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(CatalogSource.class)
  void lmStudiosHttp200UnknownRouteAnswerIsNotAList(CatalogSource source) {
    JsonNode body = json("{'error':'Unexpected endpoint or method. (GET /api/v1/models)'}");
    assertThat(ModelListParser.parse(source, 200, body)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(CatalogSource.class)
  void nonJsonAndErrorStatusesAreNotAList(CatalogSource source) {
    assertThat(ModelListParser.parse(source, 200, null)).isEmpty();
    assertThat(ModelListParser.parse(source, 404, json("{'models':[],'data':[]}"))).isEmpty();
  }

  @Test
  void eachSourceRecognisesOnlyItsOwnShape() {
    JsonNode openAi = json("{'data':[{'id':'qwen/qwen3-4b','object':'model'}],'object':'list'}");
    JsonNode v0 = json("{'data':[{'id':'x','type':'llm','arch':'llama','state':'not-loaded'}]}");
    JsonNode ollamaLike = json("{'models':[{'name':'x:latest','model':'x:latest'}]}");
    assertThat(ModelListParser.recognises(CatalogSource.LMSTUDIO_V0, openAi)).isFalse();
    assertThat(ModelListParser.recognises(CatalogSource.OPENAI, openAi)).isTrue();
    assertThat(ModelListParser.recognises(CatalogSource.LMSTUDIO_V0, v0)).isTrue();
    assertThat(ModelListParser.recognises(CatalogSource.LMSTUDIO_V1, ollamaLike)).isFalse();
    assertThat(ModelListParser.recognises(CatalogSource.LMSTUDIO_V1, json("{'models':[]}"))).isTrue();
  }

  @Test
  void v1EntriesWithNullsWrongTypesAndUnknownFieldsStillParse() {
    List<BackendModel> models = parse(CatalogSource.LMSTUDIO_V1, "{'models':["
        + "{'key':'a/b-7b','type':'something-new','quantization':'Q4_K_M','size_bytes':'123',"
        + " 'max_context_length':-1,'loaded_instances':[{'id':null},{'id':'a/b-7b','config':{'context_length':'x',"
        + " 'ttl':600}}],'capabilities':{'vision':'yes','trained_for_tool_use':true,'reasoning':{'allowed_options':"
        + " ['off']}},'variants':'not-an-array','future':{'x':1}},"
        + "{'type':'llm'}, 42, null,"
        + "{'key':'e5-large-v2','type':null}]}");
    assertThat(models).extracting(BackendModel::key).containsExactly("a/b-7b", "e5-large-v2");
    BackendModel a = models.get(0);
    assertThat(a.type()).isEqualTo(ModelType.LLM);
    assertThat(a.quantization()).isEqualTo("Q4_K_M");
    assertThat(a.sizeBytes()).isEqualTo(123L);
    assertThat(a.maxContextLength()).isNull();
    assertThat(a.parameterCount()).isEqualTo(7_000_000_000L);
    assertThat(a.loadedInstances()).containsExactly(new LoadedInstance("a/b-7b", null, Duration.ofSeconds(600)));
    assertThat(a.capabilities().vision()).isFalse();
    assertThat(a.capabilities().tools()).isTrue();
    assertThat(a.capabilities().thinking()).as("only 'off' allowed").isFalse();
    assertThat(a.variants()).isEmpty();
    assertThat(models.get(1).type()).as("unknown type falls back to the name").isEqualTo(ModelType.EMBEDDING);
  }

  @Test
  void v0FoldsExtraInstanceRowsIntoTheirModel() {
    List<BackendModel> models = parse(CatalogSource.LMSTUDIO_V0, "{'data':["
        + "{'id':'llama-3.2-1b-instruct','type':'llm','state':'loaded','loaded_context_length':4096},"
        + "{'id':'llama-3.2-1b-instruct:2','type':'llm','state':'loaded','loaded_context_length':8192},"
        + "{'id':'orphan:3','type':'llm','state':'not-loaded'}]}");
    assertThat(models).extracting(BackendModel::key).containsExactly("llama-3.2-1b-instruct", "orphan:3");
    assertThat(models.get(0).loadedInstances()).containsExactly(
        LoadedInstance.of("llama-3.2-1b-instruct", 4096), LoadedInstance.of("llama-3.2-1b-instruct:2", 8192));
    assertThat(models.get(0).capabilities().tools()).isFalse();
  }

  @Test
  void openAiListUsesLlamaServerMetaAndInfersTheRest() {
    List<BackendModel> models = parse(CatalogSource.OPENAI, "{'data':["
        + "{'id':'Qwen3-8B-Q4_K_M.gguf','meta':{'n_ctx_train':40960,'n_params':8190735360,'size':5027783808}},"
        + "{'id':'qwen/qwen3-4b'}, {'id':'qwen/qwen3-4b'}, {'object':'model'}]}");
    assertThat(models).hasSize(2);
    BackendModel gguf = models.get(0);
    assertThat(gguf.format()).isEqualTo("gguf");
    assertThat(gguf.architecture()).isEqualTo("qwen3");
    assertThat(gguf.parameterCount()).isEqualTo(8_190_735_360L);
    assertThat(gguf.sizeBytes()).isEqualTo(5_027_783_808L);
    assertThat(gguf.maxContextLength()).isEqualTo(40960);
    assertThat(gguf.quantization()).isEqualTo("Q4_K_M");
    BackendModel plain = models.get(1);
    assertThat(plain.publisher()).isEqualTo("qwen");
    assertThat(plain.format()).isNull();
    assertThat(plain.maxContextLength()).isNull();
    assertThat(plain.isLoaded()).isFalse();
    assertThat(plain.capabilities()).isEqualTo(ModelCapabilities.NONE);
  }

  @Test
  void aGatewaysModelsAreAllLoadedAtTheirMaxModelLenAndNoIdIsAnInstance() {
    // vLLM's ModelCard (a LoRA adapter has max_model_len null), then ids only, as LiteLLM and Olla list them.
    List<BackendModel> models = parse(CatalogSource.GATEWAY, "{'object':'list','data':["
        + "{'id':'Qwen/Qwen3-8B','object':'model','owned_by':'vllm','root':'Qwen/Qwen3-8B','max_model_len':40960},"
        + "{'id':'sql-lora','object':'model','owned_by':'vllm','parent':'Qwen/Qwen3-8B','max_model_len':null},"
        + "{'id':'llama3'},{'id':'llama3:2'}]}");

    assertThat(models).extracting(BackendModel::key).containsExactly("Qwen/Qwen3-8B", "sql-lora", "llama3",
        "llama3:2");
    assertThat(models).allSatisfy(m -> {
      assertThat(m.isLoaded()).isTrue();
      assertThat(m.loadedInstances()).hasSize(1);
      assertThat(m.source()).isEqualTo(CatalogSource.GATEWAY);
    });
    assertThat(models.get(0).maxContextLength()).isEqualTo(40960);
    assertThat(models.get(0).loadedInstances().get(0).contextLength()).isEqualTo(40960);
    assertThat(models.get(1).loadedInstances().get(0).contextLength()).isNull();
    assertThat(models.get(2).maxContextLength()).isNull();
  }

  @Test
  void theSameIdsFromAPlainOpenAiServerStayUnloadedAndFolded() {
    List<BackendModel> models = parse(CatalogSource.OPENAI, "{'data':[{'id':'llama3'},{'id':'llama3:2'}]}");

    assertThat(models).extracting(BackendModel::key).containsExactly("llama3");
    assertThat(models.get(0).loadedInstances()).hasSize(2);
  }

  @Test
  void aGatewayNeverLoadsAndTakesJsonObjectAndEmbedsWithAnyModel() {
    assertThat(CatalogSource.GATEWAY.canLoad()).isFalse();
    assertThat(CatalogSource.GATEWAY.canDownload()).isFalse();
    assertThat(CatalogSource.GATEWAY.alwaysLoaded()).isTrue();
    assertThat(CatalogSource.GATEWAY.acceptsJsonObjectFormat()).isTrue();
    assertThat(CatalogSource.GATEWAY.embedsOnlyWithEmbeddingModels()).isFalse();
    assertThat(CatalogSource.probeOrder()).doesNotContain(CatalogSource.GATEWAY);
    assertThat(CatalogSource.OPENAI.alwaysLoaded()).isFalse();
  }

  private static List<BackendModel> parse(CatalogSource source, String body) {
    return ModelListParser.parse(source, 200, json(body)).orElseThrow();
  }

  static JsonNode json(String singleQuoted) {
    try {
      return MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
