package io.github.ollamalmstudioproxy.simulator;

/**
 * The context an instance is loaded with and what happens to a prompt that does not fit it, as LM Studio does.
 *
 * <p>LM Studio fixes the context when it loads a model (reference §6: {@code context_length} on
 * {@code /api/v1/models/load}; JIT loads take the default) and refuses a prompt that does not fit with a 400 whose
 * text carries both numbers (reference §5). LM Studio 0.4 also lowers a requested context that does not fit in memory
 * without saying so except in the echoed {@code load_config} (issue 13); {@link SimulatorOptions#contextMemoryLimit}
 * plays that memory.
 */
final class ContextWindow {
  /** The context of a load that names none, and of every JIT load (the simulator's stand-in for the app default). */
  static final int DEFAULT_CONTEXT_LENGTH = 4096;

  private ContextWindow() {}

  /** The context a load gets: the one asked for ({@code null}: the default), lowered to what memory holds. */
  static int loaded(Integer requested, SimulatorOptions options) {
    int wanted = requested == null ? DEFAULT_CONTEXT_LENGTH : requested;
    Integer memory = options.contextMemoryLimit();
    return memory == null ? wanted : Math.min(wanted, memory);
  }

  /**
   * The refusal of a prompt of {@code promptTokens} on {@code instance}, or null when it fits. llama.cpp keeps the
   * whole prompt ({@code n_keep}) and needs it strictly below {@code n_ctx}, hence {@code >=}.
   */
  static SimulatorFailure overflow(int promptTokens, SimulatedInstance instance, boolean legacy) {
    int nCtx = instance.contextLength();
    if (promptTokens < nCtx) {
      return null;
    }
    return legacy ? SimulatorFailure.contextOverflowLegacy(promptTokens, nCtx)
        : SimulatorFailure.contextOverflow(promptTokens, nCtx);
  }
}
