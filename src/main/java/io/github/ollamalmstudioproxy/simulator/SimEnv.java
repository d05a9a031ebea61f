package io.github.ollamalmstudioproxy.simulator;

import io.vertx.core.Vertx;

/** What every route handler shares: the start options, the live state and the simulator's own Vert.x. */
record SimEnv(SimulatorOptions options, SimulatorCatalog catalog, SimulatorScript script, Vertx vertx,
    ModelLoader loader, SimulatorDownloads downloads) {}
