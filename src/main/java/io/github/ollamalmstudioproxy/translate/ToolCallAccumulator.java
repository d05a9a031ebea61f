package io.github.ollamalmstudioproxy.translate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges streamed OpenAI tool-call fragments by {@code index}: the id and the name come from the first fragment that
 * has them, argument pieces are concatenated. Ollama clients want each call whole, once.
 */
final class ToolCallAccumulator {
  static final class Call {
    final int index;
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();

    Call(int index) {
      this.index = index;
    }
  }

  private final List<Call> calls = new ArrayList<>(2);
  private long argumentChars;

  /**
   * Adds one fragment.
   *
   * @param index the fragment's {@code index}, or -1 when the server left it out: then a new id starts a new call and
   *     anything else continues the latest one (servers that omit it send one call per chunk or one call in all)
   */
  void fragment(int index, String id, String name, String arguments) {
    Call call = index >= 0 ? byIndex(index) : withoutIndex(id);
    if (isEmpty(call.id) && !isEmpty(id)) {
      call.id = id;
    }
    if (isEmpty(call.name) && !isEmpty(name)) {
      call.name = name;
    }
    if (arguments != null) {
      call.arguments.append(arguments);
      argumentChars += arguments.length();
    }
  }

  /** Characters of arguments held, all calls together. */
  long argumentChars() {
    return argumentChars;
  }

  boolean isEmpty() {
    return calls.isEmpty();
  }

  /** The calls ordered by index. */
  List<Call> calls() {
    List<Call> sorted = new ArrayList<>(calls);
    sorted.sort(Comparator.comparingInt(c -> c.index));
    return sorted;
  }

  private Call byIndex(int index) {
    for (Call c : calls) {
      if (c.index == index) {
        return c;
      }
    }
    Call c = new Call(index);
    calls.add(c);
    return c;
  }

  private Call withoutIndex(String id) {
    Call last = calls.isEmpty() ? null : calls.get(calls.size() - 1);
    if (last == null || (!isEmpty(id) && !isEmpty(last.id) && !id.equals(last.id))) {
      int next = 0;
      for (Call c : calls) {
        next = Math.max(next, c.index + 1);
      }
      last = new Call(next);
      calls.add(last);
    }
    return last;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
