/**
 * An in-process LM Studio for {@code --demo} and for integration tests (reference {@code lmstudio-api.md} §10).
 *
 * <p>Entry point: {@link io.github.ollamalmstudioproxy.simulator.LmStudioSimulator#start}. Public pieces:
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorOptions} (how it starts),
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorScript} (live knobs and named faults),
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorFailure} (the literal LM Studio errors),
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorCatalog} (downloaded models, loaded instances),
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorDownloads} (what it can download, its download jobs and
 * their faults; served by {@code DownloadsHandler}, 0.4 profile only) and
 * {@link io.github.ollamalmstudioproxy.simulator.RequestLog} (what arrived, and when a client hung up).
 *
 * <p>Request path, each step one class: {@code SimulatorRouter} (record, auth, JSON, route, scripted eviction and
 * failure) → a handler per route group → {@code ModelResolver} (a decision value) → {@code ModelLoader} (timed loads)
 * → {@code Generation} (timers, backpressure, faults, hang-ups) → a {@code Generation.Sink} that writes SSE or one
 * JSON body.
 *
 * <p>Inference routes and their handler and sinks: chat completions ({@code ChatCompletionHandler},
 * {@code ChatSinks}, {@code data:}-only SSE ending in {@code [DONE]}), text completions ({@code CompletionHandler}),
 * embeddings ({@code EmbeddingsHandler}, no generation), OpenAI Responses ({@code ResponsesHandler},
 * {@code ResponsesSinks}, {@code ResponsesWire}) and Anthropic Messages ({@code MessagesHandler},
 * {@code MessagesSinks}, {@code MessagesWire}); the last two stream named events ({@code event:} + {@code data:}),
 * open them with a preamble in {@code Generation.Sink.begin} and exist only with
 * {@link io.github.ollamalmstudioproxy.simulator.SimulatorOptions#nativeResponsesAndMessages()}.
 */
package io.github.ollamalmstudioproxy.simulator;
