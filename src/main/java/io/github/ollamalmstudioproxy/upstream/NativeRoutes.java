package io.github.ollamalmstudioproxy.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the routes a backend may lack ({@code /v1/messages}: LM Studio 0.4.1+; {@code /v1/responses}: 0.3.29+;
 * llama-server has both) this backend serves. Unknown until an answer there tells, then remembered: the proxy
 * translates a route the backend lacks onto {@code /v1/chat/completions} from then on.
 */
public final class NativeRoutes {
  private static final Logger log = LoggerFactory.getLogger(NativeRoutes.class);

  private final Map<String, Boolean> served = new ConcurrentHashMap<>();

  /** True when the backend is known to serve {@code path}. */
  public boolean serves(String path) {
    return Boolean.TRUE.equals(served.get(path));
  }

  /** True when the backend is known to lack {@code path}. */
  public boolean lacks(String path) {
    return Boolean.FALSE.equals(served.get(path));
  }

  public void served(String path) {
    if (served.put(path, true) == null) {
      log.info("the backend serves {} itself", path);
    }
  }

  public void lacking(String path) {
    if (!Boolean.FALSE.equals(served.put(path, false))) {
      log.info("the backend has no {}: the proxy translates it onto /v1/chat/completions", path);
    }
  }
}
