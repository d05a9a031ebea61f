import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The LM Studio simulator for bench/footprint.sh, in its own JVM so that the proxy's process holds only the proxy:
 * {@code java -cp target/ollama-lmstudio-proxy.jar bench/FootprintSim.java TOKENS INTERVAL_MS}. Prints its port on
 * stdout, then serves until stdin closes (the script holds the pipe, so the simulator cannot outlive it).
 */
public final class FootprintSim {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    long intervalMs = Long.parseLong(args[1]);
    LmStudioSimulator sim = LmStudioSimulator.start(SimulatorOptions.defaults());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(" t" + i);
    }
    sim.script().reset().tokens(tokens).tokenInterval(Duration.ofMillis(intervalMs));
    System.out.println(sim.port());
    System.out.flush();
    while (System.in.read() != -1) {
      // Wait for the pipe to close.
    }
    sim.close();
  }
}
