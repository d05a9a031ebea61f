package io.github.ollamalmstudioproxy;

import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ConfigException;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Entry point: parse the configuration, then hand over to {@link ProxyLauncher}. No logic of its own. */
public final class Main {
  /** Exit code for a configuration the proxy cannot run with. */
  static final int BAD_CONFIGURATION = 2;
  /** Exit code when the proxy could not start (port in use, simulator failure). */
  static final int START_FAILED = 1;

  private Main() {}

  public static void main(String[] args) {
    leanDefaults();
    System.exit(run(args));
  }

  /**
   * Netty emits JFR events for its buffer allocator when JFR is present, and checking loads about a hundred JFR classes
   * at every start (BENCHMARKS.md, "Footprint"). Off unless asked for with {@code -Dio.netty.jfr.enabled=true}; a JFR
   * recording of the proxy itself is not affected.
   */
  static void leanDefaults() {
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  static int run(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    ProxyConfig config;
    try {
      CommandLine commandLine = CommandLineConfig.commandLine(args, System.getenv());
      ParseResult parsed = commandLine.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      config = CommandLineConfig.validate(commandLine.getCommand());
      ProxyLauncher.checkModelsFile(config);
    } catch (ParameterException | ConfigException e) {
      err.println("ollama-lmstudio-proxy: " + e.getMessage());
      return BAD_CONFIGURATION;
    }
    return ProxyLauncher.runUntilStopped(config, err) ? 0 : START_FAILED;
  }
}
