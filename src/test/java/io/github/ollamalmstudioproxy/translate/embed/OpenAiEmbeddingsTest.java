package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void ordersVectorsByIndex() throws Exception {
    OpenAiEmbeddings.Result r = OpenAiEmbeddings.parse(json("{'object':'list','data':["
        + "{'object':'embedding','embedding':[2.0],'index':1},"
        + "{'object':'embedding','embedding':[1.0],'index':0}],"
        + "'model':'text-embedding-nomic-embed-text-v1.5@q4_k_m','usage':{'prompt_tokens':0,'total_tokens':0}}"));
    assertThat(r.vectors()).containsExactly(new double[] {1.0}, new double[] {2.0});
    assertThat(r.promptTokens()).as("LM Studio's zero means not counted").isNull();
  }

  @Test
  void keepsARealPromptTokenCount() throws Exception {
    OpenAiEmbeddings.Result r = OpenAiEmbeddings.parse(json(
        "{'data':[{'embedding':[0.5,0.5],'index':0}],'usage':{'prompt_tokens':3,'total_tokens':3}}"));
    assertThat(r.promptTokens()).isEqualTo(3);
  }

  @Test
  void decodesBase64LittleEndianFloat32() throws Exception {
    ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-1.5f);
    String b64 = Base64.getEncoder().encodeToString(buf.array());
    OpenAiEmbeddings.Result r = OpenAiEmbeddings.parse(json("{'data':[{'embedding':'" + b64 + "','index':0}]}"));
    assertThat(r.vectors().get(0)).containsExactly(0.25, -1.5);
  }

  @Test
  void bodyWithoutDataIsAServerError() {
    assertThatThrownBy(() -> OpenAiEmbeddings.parse(json("{'error':'No models loaded.'}")))
        .isInstanceOfSatisfying(OllamaError.class, e -> assertThat(e.status()).isEqualTo(500));
    assertThatThrownBy(() -> OpenAiEmbeddings.parse(json("{'data':[{'embedding':['x']}]}")))
        .isInstanceOf(OllamaError.class);
  }

  private static JsonNode json(String singleQuoted) throws Exception {
    return MAPPER.readTree(singleQuoted.replace('\'', '"'));
  }
}
