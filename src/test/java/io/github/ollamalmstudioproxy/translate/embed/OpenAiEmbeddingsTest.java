package io.github.ollamalmstudioproxy.translate.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsTest {
  private static final String LM_STUDIO = "{'object':'list','data':["
      + "{'object':'embedding','embedding':[2.0,-0.04603976011276245],'index':1},"
      + "{'object':'embedding','embedding':[1.0,0.5],'index':0}],"
      + "'model':'text-embedding-nomic-embed-text-v1.5@q4_k_m','usage':{'prompt_tokens':0,'total_tokens':0}}";

  @Test
  void ordersVectorsByIndex() {
    OpenAiEmbeddings.Result r = parse(LM_STUDIO);
    assertThat(r.vectors()).containsExactly(new float[] {1.0f, 0.5f}, new float[] {2.0f, -0.04603976f});
    assertThat(r.promptTokens()).as("LM Studio's zero means not counted").isNull();
  }

  @Test
  void readsTheSameAnswerFedOneByteAtATime() {
    byte[] answer = json(LM_STUDIO);
    OpenAiEmbeddings reader = new OpenAiEmbeddings();
    for (int i = 0; i < answer.length; i++) {
      reader.feed(answer, i, 1);
    }
    assertThat(reader.finish()).usingRecursiveComparison().isEqualTo(parse(LM_STUDIO));
  }

  @Test
  void aMissingIndexKeepsTheArrayPosition() {
    OpenAiEmbeddings.Result r = parse("{'data':[{'embedding':[3]},{'embedding':[4]}]}");
    assertThat(r.vectors()).containsExactly(new float[] {3}, new float[] {4});
  }

  @Test
  void skipsWhatItDoesNotReadWhereverItIsAndWhateverFollowsTheAnswer() {
    OpenAiEmbeddings.Result r = parse("{'model':{'nested':[1,[2,{'data':[]}]]},'data':[{'object':'embedding',"
        + "'extra':{'embedding':'not this one','index':9},'embedding':[0.25],'index':0}],'usage':{'x':[1],"
        + "'prompt_tokens':3}}" + " ".repeat(1000));
    assertThat(r.vectors()).containsExactly(new float[] {0.25f});
  }

  @Test
  void keepsARealPromptTokenCount() {
    OpenAiEmbeddings.Result r = parse("{'data':[{'embedding':[0.5,0.5],'index':0}],"
        + "'usage':{'prompt_tokens':3,'total_tokens':3}}");
    assertThat(r.promptTokens()).isEqualTo(3);
  }

  @Test
  void decodesBase64LittleEndianFloat32() {
    ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-1.5f);
    String b64 = Base64.getEncoder().encodeToString(buf.array());
    OpenAiEmbeddings.Result r = parse("{'data':[{'embedding':'" + b64 + "','index':0}]}");
    assertThat(r.vectors().get(0)).containsExactly(0.25f, -1.5f);
  }

  @Test
  void bodyWithoutDataIsAServerError() {
    for (String body : new String[] {"{'error':'No models loaded.'}", "{'data':{}}", "[]", ""}) {
      assertThatThrownBy(() -> parse(body)).as(body)
          .isInstanceOfSatisfying(OllamaError.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).isEqualTo("backend returned no embeddings");
          });
    }
  }

  @Test
  void unusableEmbeddingsAreServerErrorsThatSayWhy() {
    assertThatThrownBy(() -> parse("{'data':[{'embedding':['x']}]}"))
        .hasMessage("backend returned a non-numeric embedding value");
    assertThatThrownBy(() -> parse("{'data':[{'index':0}]}")).hasMessage("backend returned an embedding without a vector");
    assertThatThrownBy(() -> parse("{'data':[{'embedding':null}]}"))
        .hasMessage("backend returned an embedding without a vector");
    assertThatThrownBy(() -> parse("{'data':[{'embedding':'%%%'}]}"))
        .hasMessage("backend returned an embedding that is neither numbers nor base64");
  }

  @Test
  void anAnswerThatIsNotJsonOrIsCutShortIsAServerError() {
    assertThatThrownBy(() -> parse("{'data':[{'embedding':[1,2")).isInstanceOfSatisfying(OllamaError.class,
        e -> assertThat(e.getMessage()).isEqualTo("backend returned an embeddings answer that is not JSON"));
    assertThatThrownBy(() -> parse("{'data':[{'embedding':[1,}]}"))
        .hasMessage("backend returned an embeddings answer that is not JSON");
  }

  private static OpenAiEmbeddings.Result parse(String singleQuoted) {
    return OpenAiEmbeddings.parse(json(singleQuoted));
  }

  private static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aVectorMayHaveUpToTheDimensionBoundAndNotOneMore() {
    String widest = "{\"data\":[{\"index\":0,\"embedding\":[" + "0.5,".repeat(OpenAiEmbeddings.MAX_DIMENSIONS - 1)
        + "0.5]}]}";
    assertThat(OpenAiEmbeddings.parse(widest.getBytes(StandardCharsets.UTF_8)).vectors().get(0))
        .hasSize(OpenAiEmbeddings.MAX_DIMENSIONS);
    String wider = "{\"data\":[{\"index\":0,\"embedding\":[" + "0.5,".repeat(OpenAiEmbeddings.MAX_DIMENSIONS)
        + "0.5]}]}";
    assertThatThrownBy(() -> OpenAiEmbeddings.parse(wider.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OllamaError.class).hasMessage("backend returned an embedding of more than 65536 numbers");
  }

  @Test
  void moreVectorsThanInputsFailAsSoonAsTheFirstExtraOneEnds() {
    OpenAiEmbeddings reader = new OpenAiEmbeddings(1);
    byte[] two = "{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> reader.feed(two, 0, two.length)).isInstanceOf(OllamaError.class)
        .hasMessage("backend returned more embeddings than the 1 inputs asked for");
  }
}
