package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.ollamalmstudioproxy.translate.ChunkParser.Chunk;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One parser reads every chunk of a stream (issue 16): each chunk must read as if it were alone, whatever the chunk
 * before it was, and a chunk cut short must fail rather than wait for input that never comes.
 */
class ChunkParserTest {
  private final ChunkParser parser = new ChunkParser(null, false);
  private final ToolCallAccumulator tools = new ToolCallAccumulator();

  @Test
  void chunksOfOneStreamReadOneAfterAnotherFromOneReusedArray() throws IOException {
    byte[] scratch = new byte[256];
    assertThat(parse(scratch, content("h\\u00e9llo")).content()).isEqualTo("héllo");
    assertThat(parse(scratch, content("🙂")).content()).isEqualTo("🙂");
    assertThat(parse(scratch, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}").finishReason())
        .isEqualTo("stop");
  }

  @Test
  void aChunkCutShortFailsAndTheNextOneStillReads() throws IOException {
    for (String cut : new String[] {"{\"choices\":[", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a",
        "{\"x\":{\"y\":[1,2", "{\"id\":1"}) {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
          assertThatThrownBy(() -> parse(new byte[256], cut)).isInstanceOf(IOException.class));
      assertThat(parse(new byte[256], content("next")).content()).as("after %s", cut).isEqualTo("next");
    }
  }

  @Test
  void whatFollowsTheObjectIsIgnoredAndSpoilsNothing() throws IOException {
    assertThat(parse(new byte[256], content("a") + " {\"choices\":").content()).isEqualTo("a");
    assertThat(parse(new byte[256], content("b") + " }").content()).isEqualTo("b");
    assertThat(parse(new byte[256], content("c")).content()).isEqualTo("c");
  }

  @Test
  void aChunkThatIsNoObjectIsRefused() throws IOException {
    for (String bad : new String[] {"", "  ", "123", "[1]", "\"s\"", "null"}) {
      assertThatThrownBy(() -> parse(new byte[256], bad)).as(bad).hasMessage("chunk is not a JSON object");
    }
    assertThat(parse(new byte[256], "\n " + content("ok")).content()).isEqualTo("ok");
  }

  private Chunk parse(byte[] scratch, String json) throws IOException {
    byte[] bytes = json.getBytes(UTF_8);
    // At an offset inside a larger array, as the SSE decoder hands it over.
    System.arraycopy(bytes, 0, scratch, 3, bytes.length);
    return parser.parse(scratch, 3, bytes.length, tools);
  }

  private static String content(String text) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}";
  }
}
