package io.github.ollamalmstudioproxy.upstream;

/**
 * Hears when a request starts and stops waiting for its model to load, so the server can tell a streaming client
 * ({@code --load-progress}). Called only when a load is really waited for: never for a model already loaded. Any
 * thread may call it; a wait that starts again (the model dropped out and loads anew) calls {@link #started} again.
 */
public interface LoadListener {
  LoadListener NONE = new LoadListener() {
    @Override
    public void started() {}

    @Override
    public void ended(boolean loaded) {}
  };

  /** The request begins waiting for a load. */
  void started();

  /** The wait is over: {@code loaded} when the model is ready, false when the load failed or the client left. */
  void ended(boolean loaded);
}
