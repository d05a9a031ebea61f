package io.github.ollamalmstudioproxy.translate;

/**
 * A finished tool call, ready to be written the Ollama way.
 *
 * @param id the backend's id, or a synthetic {@code call_…} one when it sent none ({@link ChunkInterpreter#toolCalls})
 * @param argumentsJson a JSON object text, already validated
 */
public record ToolCallOut(String id, String name, String argumentsJson) {}
