package io.github.ollamalmstudioproxy.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.ollamalmstudioproxy.sse.SseDecoder;
import io.github.ollamalmstudioproxy.sse.SseListener;
import io.github.ollamalmstudioproxy.translate.Output;
import io.github.ollamalmstudioproxy.translate.RequestTimes;
import io.github.ollamalmstudioproxy.translate.SseFeed;
import io.github.ollamalmstudioproxy.translate.StreamSettings;
import io.github.ollamalmstudioproxy.translate.StreamTranslator;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per streamed token: one typical LM Studio content delta, as SSE bytes, through the SSE decoder and the
 * translator to one NDJSON line. Run with {@link StreamTranslatorBenchMain}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamTranslatorBench {
  static final String CHUNK = "{\"id\":\"chatcmpl-um3b2l9t12bzrtha63q8\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1747835957,\"model\":\"qwen/qwen3-4b\",\"system_fingerprint\":\"qwen/qwen3-4b\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"logprobs\":null,\"finish_reason\":null}]}";
  static final byte[] EVENT = ("data: " + CHUNK + "\n\n").getBytes(UTF_8);

  private SseFeed feed;
  private StreamTranslator translator;
  private SseDecoder decoder;
  private Blackhole sink;

  @Setup(Level.Iteration)
  public void setUp(Blackhole blackhole) {
    sink = blackhole;
    StreamSettings settings = new StreamSettings(StreamSettings.Shape.CHAT, "qwen3:4b", false, true);
    RequestTimes times = RequestTimes.sentAt(System.nanoTime(), System.nanoTime());
    feed = new SseFeed(StreamTranslator.streaming(settings, times, Clock.systemUTC()), System::nanoTime);
    translator = StreamTranslator.streaming(settings, times, Clock.systemUTC());
    decoder = new SseDecoder(new SseListener() {
      @Override
      public void onEvent(String eventType, String data) {
        sink.consume(data);
      }

      @Override
      public void onDone() {}
    });
  }

  /** The whole per-token path: SSE bytes in, NDJSON line out. */
  @Benchmark
  public Output decodeAndTranslate() {
    return feed.feed(EVENT, 0, EVENT.length);
  }

  /** Only the translation of one chunk payload. */
  @Benchmark
  public Output translateOnly() {
    return translator.onEvent(null, CHUNK, System.nanoTime());
  }

  /** Only the SSE decoding of one event. */
  @Benchmark
  public void decodeOnly() {
    decoder.feed(EVENT, 0, EVENT.length);
  }
}
