package io.github.ollamalmstudioproxy.upstream;

import java.util.Objects;

/**
 * One backend that has the requested model, as the caller sees it now.
 *
 * @param backend the backend's configured name, unique among the candidates
 * @param weight its configured weight (1 by default); 0 or less never wins a rendezvous against a positive one
 * @param loaded the model is loaded there
 * @param canLoad the proxy can ask it to load the model
 * @param inFlight requests for this model being served there now
 * @param capacity how many it serves at once (LM Studio's {@code parallel}, e.g. summed over the model's instances)
 * @param healthy its breaker is not open
 */
public record Candidate(String backend, int weight, boolean loaded, boolean canLoad, int inFlight, int capacity,
    boolean healthy) {
  public Candidate {
    Objects.requireNonNull(backend, "backend");
  }

  public boolean hasRoom() {
    return inFlight < Math.max(capacity, 1);
  }
}
