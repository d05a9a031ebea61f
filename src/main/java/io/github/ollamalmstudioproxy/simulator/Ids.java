package io.github.ollamalmstudioproxy.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Identifier formats seen in LM Studio captures (reference §2.2). */
final class Ids {
  private static final char[] BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Ids() {}

  /** {@code chatcmpl-} plus 21 lowercase base-36 characters (captures show 20–22). */
  static String chatCompletion() {
    return "chatcmpl-" + base36(21);
  }

  /** {@code cmpl-} plus 21 lowercase base-36 characters. */
  static String textCompletion() {
    return "cmpl-" + base36(21);
  }

  /** {@code resp_} plus 21 base-36 characters: a Response of {@code /v1/responses} (format assumed from its items). */
  static String response() {
    return "resp_" + base36(21);
  }

  /**
   * An output item of {@code /v1/responses}: {@code prefix} is {@code rs_} (reasoning; {@code rs_w2j8k5cvclmzxum5sgkhr}
   * is a capture, pydantic/pydantic-ai#3191), {@code msg_} (message) or {@code fc_} (function call), both assumed.
   */
  static String responseItem(String prefix) {
    return prefix + base36(21);
  }

  /** {@code msg_} plus 21 base-36 characters: an Anthropic message of {@code /v1/messages} (format assumed). */
  static String anthropicMessage() {
    return "msg_" + base36(21);
  }

  /** A plain numeric string of 9 or 10 digits, like {@code 931693397}. */
  static String toolCall() {
    return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 10_000_000_000L));
  }

  private static String base36(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = BASE36[random.nextInt(BASE36.length)];
    }
    return new String(out);
  }
}
