package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Token counts of one answer; the script's {@code usage(...)} override wins over the computed values. */
record Usage(int prompt, int completion, int reasoning) {
  static Usage of(ScriptSnapshot script, int computedPrompt, int emitted, int reasoning) {
    return new Usage(script.usagePrompt() != null ? script.usagePrompt() : computedPrompt,
        script.usageCompletion() != null ? script.usageCompletion() : emitted, reasoning);
  }

  /** {@code {"prompt_tokens","completion_tokens","total_tokens"}}, plus reasoning details when asked. */
  ObjectNode toJson(boolean withDetails) {
    ObjectNode usage = SimJson.object();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    if (withDetails) {
      usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    }
    return usage;
  }
}
