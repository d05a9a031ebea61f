package io.github.ollamalmstudioproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.github.ollamalmstudioproxy.config.CommandLineConfig;
import io.github.ollamalmstudioproxy.config.ListenAddress;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import io.github.ollamalmstudioproxy.server.ModelsFileCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/} read as Kubernetes and the container runtime read it, and checked against the proxy's own rules:
 * its config parser, its defaults, its launcher. The routes behind the probes are exercised for real by
 * {@link DeployImageIT}.
 */
class DeployManifestsTest {
  /** How long the launcher waits, past the drain, for the server to close before it exits anyway (ProxyLauncher). */
  private static final Duration LAUNCHER_CLOSE_MARGIN = Duration.ofSeconds(5);
  private static final String CONFIG_KEY = "config.yaml";
  private static final String MODELS_KEY = "models.yaml";

  private final Manifests manifests = Manifests.load();
  private final Dockerfile image = Dockerfile.read();

  @Test
  void theKustomizationListsEveryManifestAndEachIsAKnownKindWithOnlyKnownFields() throws IOException {
    List<Path> onDisk;
    try (Stream<Path> files = Files.list(Manifests.DIR)) {
      onDisk = files.filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
    }
    assertThat(Manifests.resourceFiles()).as("kustomization.yaml resources").containsExactlyInAnyOrderElementsOf(onDisk);
    assertThat(manifests.all()).extracting(o -> o.getClass().getSimpleName()).containsExactlyInAnyOrder(
        "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
    for (Object object : manifests.all()) {
      assertThat(Manifests.unknownFields(object)).as("fields the Kubernetes model does not know").isEmpty();
    }
  }

  @Test
  void theContainerPortIsTheOneTheImageListensOnAndExposes() {
    ContainerPort port = containerPort();
    ListenAddress listen = ListenAddress.parse(image.env().get("OLLAMA_PROXY_LISTEN"));
    assertThat(listen.isLoopback()).as("the image listens beyond loopback, else a Service cannot reach it").isFalse();
    assertThat(port.getContainerPort()).isEqualTo(listen.port());
    assertThat(image.exposed()).containsExactly(listen.port());
    assertThat(manifests.proxyContainer().getEnv()).extracting(EnvVar::getName)
        .as("the Deployment leaves the listen address to the image").doesNotContain("OLLAMA_PROXY_LISTEN");
    assertThat(manifests.proxyContainer().getCommand()).as("the image's ENTRYPOINT").isNullOrEmpty();
    assertThat(manifests.proxyContainer().getArgs()).as("the image's CMD").isNullOrEmpty();
  }

  @Test
  void everyProbeAsksTheContainerPortOverHttp() {
    Map<String, Probe> probes = manifests.probes();
    assertThat(probes).containsOnlyKeys("startup", "liveness", "readiness");
    probes.forEach((kind, probe) -> {
      assertThat(probe.getHttpGet()).as(kind + " probe is an HTTP GET").isNotNull();
      assertThat(resolve(probe.getHttpGet().getPort())).as(kind + " probe port").isEqualTo(containerPort());
      assertThat(probe.getHttpGet().getScheme()).as(kind + " probe scheme").isIn(null, "HTTP");
    });
    // The paths are the ones README documents; DeployImageIT asks them of the running proxy.
    assertThat(probes.get("liveness").getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(probes.get("startup").getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(probes.get("readiness").getHttpGet().getPath()).isEqualTo("/readyz");
  }

  /**
   * The readiness probe must wait for the proxy's own answer: {@code /readyz} takes up to 10 s against a slow backend
   * (README, Endpoints) and then says why; a shorter probe timeout would fail first without the reason.
   */
  @Test
  void theReadinessProbeWaitsLongerThanTheProxysOwnProbeBound() {
    assertThat(manifests.probes().get("readiness").getTimeoutSeconds()).isGreaterThan(10);
  }

  @Test
  void theGracePeriodCoversThePreStopSleepTheDrainAndTheLaunchersLastSeconds(@TempDir Path dir) throws IOException {
    PodSpec pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    Duration preStop = preStopSleep(manifests.proxyContainer().getLifecycle().getPreStop());
    assertThat(preStop).as("a preStop sleep, so endpoints are gone before the proxy stops listening")
        .isPositive();
    Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());
    Duration drain = effectiveConfig(dir).drainTimeout();

    assertThat(grace).as("with the drain of the mounted config")
        .isGreaterThanOrEqualTo(preStop.plus(drain).plus(LAUNCHER_CLOSE_MARGIN));
    assertThat(grace).as("with the proxy's default drain")
        .isGreaterThanOrEqualTo(preStop.plus(ProxyConfig.defaults().drainTimeout()).plus(LAUNCHER_CLOSE_MARGIN));
  }

  @Test
  void theConfigMapsConfigIsAcceptedByTheProxysParserWhereTheImageReadsIt(@TempDir Path dir) throws IOException {
    List<String> command = image.command();
    int flag = command.indexOf("--config");
    assertThat(flag).as("the image's command names a config file").isNotNegative();
    Manifests.MountedKey mounted = manifests.mountOf(CONFIG_KEY).orElseThrow();
    assertThat(mounted.path()).isEqualTo(command.get(flag + 1));
    assertThat(mounted.mount().getReadOnly()).isTrue();

    ProxyConfig config = effectiveConfig(dir);
    assertThat(config.listen()).isEqualTo(ListenAddress.parse(image.env().get("OLLAMA_PROXY_LISTEN")));
    assertThat(config.backend().getScheme()).isIn("http", "https");
  }

  /**
   * The aliases are the one piece of state a replica reads: one file, mounted read-only from the ConfigMap (never by
   * subPath, which would freeze it), where the image's environment points, and valid for the proxy's own reader.
   */
  @Test
  void theModelsFileIsSharedReadOnlyAndParses(@TempDir Path dir) throws IOException {
    Manifests.MountedKey mounted = manifests.mountOf(MODELS_KEY).orElseThrow();
    assertThat(mounted.path()).isEqualTo(image.env().get("OLLAMA_PROXY_MODELS_FILE"));
    assertThat(mounted.mount().getReadOnly()).isTrue();
    assertThat(mounted.subPath()).as("a subPath mount never sees the ConfigMap change").isFalse();

    Path models = Files.writeString(dir.resolve(MODELS_KEY), configMapData(MODELS_KEY));
    ModelsFileCheck.check(effectiveConfig(dir).withModelsFile(models));
  }

  @Test
  void theServiceSendsItsPortToTheContainerPortOfThePodsItSelects() {
    Service service = manifests.one(Service.class);
    Deployment deployment = manifests.one(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts()).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(resolve(port.getTargetPort())).isEqualTo(containerPort());
    assertThat(port.getPort()).as("clients keep Ollama's port").isEqualTo(containerPort().getContainerPort());
    assertThat(manifests.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theAutoscalerScalesTheDeploymentOnCpuWhichTheContainerRequests() {
    HorizontalPodAutoscaler hpa = manifests.one(HorizontalPodAutoscaler.class);
    Deployment deployment = manifests.one(Deployment.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(deployment.getApiVersion());
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2)
        .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.getSpec().getMetrics()).hasSize(1);
    MetricSpec metric = hpa.getSpec().getMetrics().get(0);
    assertThat(metric.getType()).isEqualTo("Resource");
    assertThat(metric.getResource().getName()).isEqualTo("cpu");
    assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(manifests.proxyContainer().getResources().getRequests())
        .as("CPU utilization is measured against the request").containsKey("cpu");
  }

  /** The memory limit must hold the launcher's heap cap and more, or the kernel kills the pod before the heap fills. */
  @Test
  void theMemoryLimitHoldsTheLaunchersHeapWithRoomForTheRestOfTheJvm() throws IOException {
    String launcher = Files.readString(Path.of("bin", "ollama-lmstudio-proxy"));
    Matcher xmx = Pattern.compile("default_java_opts=\"[^\"]*-Xmx(\\d+)([mg])").matcher(launcher);
    assertThat(xmx.find()).as("the launcher's default -Xmx").isTrue();
    long heap = Long.parseLong(xmx.group(1)) * (xmx.group(2).equals("g") ? 1L << 30 : 1L << 20);
    Map<String, Quantity> limits = manifests.proxyContainer().getResources().getLimits();
    long limit = Quantity.getAmountInBytes(limits.get("memory")).longValueExact();
    assertThat(limit).isGreaterThan(heap + heap / 4);
    Map<String, Quantity> requests = manifests.proxyContainer().getResources().getRequests();
    assertThat(Quantity.getAmountInBytes(requests.get("memory")).longValueExact()).isLessThanOrEqualTo(limit);
  }

  @Test
  void thePodRunsAsTheImagesNonRootUserOnAReadOnlyRootWithAWritableTmp() {
    PodSpec pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    Container container = manifests.proxyContainer();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(image.user()).as("a numeric USER, which runAsNonRoot can check").matches("\\d+(:\\d+)?");
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(image.user().split(":")[0]))
        .isPositive();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // Vert.x creates its file cache in java.io.tmpdir at start and fails without a writable one.
    String tmpVolume = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp"))
        .filter(m -> !Boolean.TRUE.equals(m.getReadOnly())).map(m -> m.getName()).findFirst().orElseThrow();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(tmpVolume)).extracting(Volume::getEmptyDir)
        .doesNotContainNull().hasSize(1);
  }

  /** Keys come from a Secret by reference; none is written into the manifests or the ConfigMap. */
  @Test
  void keysComeFromASecretReferenceAndNeverFromTheConfigMap() {
    for (EnvVar env : manifests.proxyContainer().getEnv()) {
      if (env.getName().endsWith("API_KEY")) {
        assertThat(env.getValue()).as(env.getName()).isNull();
        assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName()).isNotNull();
      }
    }
    assertThat(configMapData(CONFIG_KEY)).doesNotContainPattern("(?m)^\\s*[^#\\s]*(api-key|api_key)\\s*:");
  }

  /**
   * The configuration a pod runs with: the image's command with the ConfigMap's file where the mount puts it, the
   * image's environment and the Deployment's plain values; a variable filled from the Secret gets a stand-in value
   * (the config file's {@code api_key_env} must find it set).
   */
  private ProxyConfig effectiveConfig(Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve(CONFIG_KEY), configMapData(CONFIG_KEY));
    String mountedAt = manifests.mountOf(CONFIG_KEY).orElseThrow().path();
    List<String> args = new ArrayList<>(image.cmd());
    args.replaceAll(a -> a.equals(mountedAt) ? file.toString() : a);
    Map<String, String> env = new HashMap<>(image.env());
    for (EnvVar e : manifests.proxyContainer().getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        env.put(e.getName(), "from-secret-" + e.getValueFrom().getSecretKeyRef().getKey());
      }
    }
    return CommandLineConfig.parse(args.toArray(String[]::new), env);
  }

  private String configMapData(String key) {
    String text = manifests.one(ConfigMap.class).getData().get(key);
    assertThat(text).as("ConfigMap key " + key).isNotNull();
    return text;
  }

  private ContainerPort containerPort() {
    List<ContainerPort> ports = manifests.proxyContainer().getPorts();
    assertThat(ports).hasSize(1);
    return ports.get(0);
  }

  /** A port given by name or number, as the container port it designates. */
  private ContainerPort resolve(IntOrString port) {
    ContainerPort own = containerPort();
    if (port.getIntVal() != null) {
      assertThat(port.getIntVal()).isEqualTo(own.getContainerPort());
    } else {
      assertThat(port.getStrVal()).isEqualTo(own.getName());
    }
    return own;
  }

  private static Duration preStopSleep(LifecycleHandler preStop) {
    if (preStop.getSleep() != null) {
      return Duration.ofSeconds(preStop.getSleep().getSeconds());
    }
    List<String> command = preStop.getExec().getCommand();
    assertThat(command).as("preStop: exec [sleep, N]").hasSize(2).first().isEqualTo("sleep");
    return Duration.ofSeconds(Long.parseLong(command.get(1)));
  }
}
