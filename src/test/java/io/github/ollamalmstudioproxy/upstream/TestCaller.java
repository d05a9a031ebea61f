package io.github.ollamalmstudioproxy.upstream;

import java.util.ArrayList;
import java.util.List;

/** A client request without a server: cancellation by hand, end actions ignored (the tests release what they hold). */
final class TestCaller implements Caller {
  private final List<Runnable> onCancel = new ArrayList<>();
  private final LoadDeadline deadline = new LoadDeadline();
  private boolean cancelled;

  void hangUp() {
    cancelled = true;
    onCancel.forEach(Runnable::run);
  }

  @Override
  public String id() {
    return "t";
  }

  @Override
  public String model() {
    return "m";
  }

  @Override
  public LoadDeadline loadDeadline() {
    return deadline;
  }

  @Override
  public void onEnd(Runnable action) {}

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    onCancel.add(action);
  }
}
