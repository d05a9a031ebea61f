package io.github.ollamalmstudioproxy.sse;

import java.util.ArrayList;
import java.util.List;

/** Records every callback as one readable string: {@code data} , {@code [error] data} or {@code DONE}. */
final class RecordingListener implements SseListener {
  final List<String> events = new ArrayList<>();

  @Override
  public void onEvent(String eventType, String data) {
    events.add(eventType == null ? data : "[" + eventType + "] " + data);
  }

  @Override
  public void onDone() {
    events.add("DONE");
  }
}
