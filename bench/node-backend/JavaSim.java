// The proxy's own LM Studio simulator in a JVM of its own, scripted like server.js (N tokens, MS apart, no prefill),
// so the Node.js backend and the Java one are measured the same way. Run from the shaded jar (source launch, JDK 11+):
//   java -cp target/ollama-lmstudio-proxy.jar bench/node-backend/JavaSim.java PORT [TOKENS] [INTERVAL_MS]
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public final class JavaSim {
  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long interval = args.length > 2 ? Long.parseLong(args[2]) : 0;
    LmStudioSimulator sim = LmStudioSimulator.start(SimulatorOptions.defaults().withPort(port));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(" t" + i);
    }
    sim.script().reset().tokens(tokens).tokenInterval(Duration.ofMillis(interval)).prefillDelay(Duration.ZERO);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stop.countDown();
    }));
    System.out.println("java-sim listening on 127.0.0.1:" + sim.port() + " (" + count + " tokens at " + interval
        + " ms, java " + Runtime.version() + ")");
    stop.await();
  }
}
