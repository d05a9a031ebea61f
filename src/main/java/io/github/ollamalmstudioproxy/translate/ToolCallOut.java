package io.github.ollamalmstudioproxy.translate;

/**
 * A finished tool call, ready to be written the Ollama way.
 *
 * @param id the backend's id (null if it sent none)
 * @param argumentsJson a JSON object text, already validated
 */
record ToolCallOut(String id, String name, String argumentsJson) {}
