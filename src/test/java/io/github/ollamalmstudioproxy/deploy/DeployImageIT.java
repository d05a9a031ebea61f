package io.github.ollamalmstudioproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.LauncherProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container as Kubernetes would run it, without a container runtime: the files the Dockerfile's final stage
 * copies, laid out under a temporary root as they are in the image; the ConfigMap's files where the Deployment mounts
 * them; the image's exact ENTRYPOINT and CMD and its environment, with one change, loopback instead of 0.0.0.0 (tests
 * listen on loopback only). Then the Deployment's own probes are asked of the running proxy, and SIGTERM must end it
 * with exit code 0 within the grace period the Deployment gives.
 */
class DeployImageIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theImagesEntryCommandServesTheDeploymentsProbesAndDrainsOnSigterm(@TempDir Path root) throws Exception {
    Dockerfile image = Dockerfile.read();
    Manifests manifests = Manifests.load();
    layOutImage(image, root);
    List<LmStudioSimulator> backends = new ArrayList<>();
    try {
      Map<String, String> data = manifests.one(ConfigMap.class).getData();
      write(root, manifests.mountOf("config.yaml").orElseThrow().path(), pointedAt(data.get("config.yaml"), () -> {
        LmStudioSimulator backend = LmStudioSimulator.start(SimulatorOptions.defaults());
        backends.add(backend);
        return backend.baseUrl();
      }));
      write(root, manifests.mountOf("models.yaml").orElseThrow().path(), data.get("models.yaml"));

      List<String> command = new ArrayList<>(image.command());
      command.replaceAll(arg -> inImage(root, arg));
      Map<String, String> env = new HashMap<>();
      image.env().forEach((k, v) -> env.put(k, inImage(root, v)));
      env.put("OLLAMA_PROXY_LISTEN", "127.0.0.1:0");
      // What the Deployment fills from the Secret, stand-ins here (the backends' keys are not checked by the simulator).
      manifests.proxyContainer().getEnv().stream()
          .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
          .filter(e -> !e.getName().equals("OLLAMA_PROXY_API_KEY"))
          .forEach(e -> env.put(e.getName(), "from-secret-" + e.getValueFrom().getSecretKeyRef().getKey()));

      LauncherProcess proxy = LauncherProcess.start(command, env);
      try {
        int port = proxy.awaitPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Map.Entry<String, Probe> probe : manifests.probes().entrySet()) {
          HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + probe.getValue().getHttpGet().getPath()))
              // Not the probe's own timeout: a first request to a JVM just started on a loaded machine may take
              // longer, which the startup probe's retries absorb. What is checked here is the route and its answer.
              .timeout(Duration.ofSeconds(15))
              .build(), HttpResponse.BodyHandlers.ofString());
          // Kubernetes counts 200-399 as success; the proxy's health routes answer 200 with a small JSON status.
          assertThat(answer.statusCode()).as(probe.getKey() + " probe " + probe.getValue().getHttpGet().getPath()
              + "\n" + proxy.output()).isEqualTo(200);
          assertThat(answer.body()).as(probe.getKey()).matches("\\{\"status\":\"(alive|ready)\"}");
        }
        assertThat(proxy.output()).contains(backends.get(0).baseUrl());

        long grace = manifests.one(Deployment.class).getSpec().getTemplate().getSpec()
            .getTerminationGracePeriodSeconds();
        proxy.process().destroy(); // SIGTERM, as the kubelet sends it after the preStop hook
        assertThat(proxy.process().waitFor(grace, TimeUnit.SECONDS)).as("exited within the grace period").isTrue();
        assertThat(proxy.process().exitValue()).as(proxy.output()).isZero();
      } finally {
        proxy.close();
      }
    } finally {
      backends.forEach(LmStudioSimulator::close);
    }
  }

  /** Each COPY of the final stage: context files from the repository, the build stage's from this build's target/. */
  private static void layOutImage(Dockerfile image, Path root) throws Exception {
    assertThat(image.copies()).as("the final stage copies the launcher and the jar").isNotEmpty();
    for (Dockerfile.Copy copy : image.copies()) {
      String source = copy.source();
      if (copy.fromStage() != null) {
        String workdir = image.buildStageWorkdirs().get(copy.fromStage()) + "/";
        assertThat(source).as("copied from the build stage's work tree").startsWith(workdir);
        source = source.substring(workdir.length());
      }
      Path target = Path.of(inImage(root, copy.destination()));
      Files.createDirectories(target.getParent());
      Files.copy(Path.of(source), target, StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  /** An absolute path of the image, under the temporary root; anything else as it is. */
  private static String inImage(Path root, String value) {
    return value.startsWith("/") ? root.resolve(value.substring(1)).toString() : value;
  }

  private static void write(Path root, String pathInImage, String text) throws Exception {
    Path file = Path.of(inImage(root, pathInImage));
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** The ConfigMap's config with each backend URL pointed at a simulator of its own: tests reach loopback only. */
  private static String pointedAt(String config, Supplier<String> simulator) throws Exception {
    JsonNode tree = YAML.readTree(config);
    assertThat(tree.isObject()).as("config.yaml is a map").isTrue();
    ObjectNode map = (ObjectNode) tree;
    for (String key : List.of("backend", "lmstudio-url")) {
      if (map.has(key)) {
        map.put(key, simulator.get());
      }
    }
    map.path("backends").forEach(entry -> ((ObjectNode) entry).put("url", simulator.get()));
    assertThat(map.has("backend") || map.has("lmstudio-url") || map.has("backends"))
        .as("config.yaml names its backend").isTrue();
    return YAML.writeValueAsString(map);
  }
}
