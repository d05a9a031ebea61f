package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

/** One tool call the simulated model makes; {@code argumentsJson} is sent verbatim as the arguments string. */
record ScriptedToolCall(String name, String argumentsJson) {
  ScriptedToolCall {
    requireNonNull(name, "name");
    requireNonNull(argumentsJson, "argumentsJson");
  }
}
