package io.github.ollamalmstudioproxy.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code deploy/kubernetes/} as Kubernetes objects: every file the kustomization lists, parsed by the fabric8 model
 * (the classes generated from Kubernetes' own OpenAPI schema), so a wrong kind, apiVersion or field type fails here.
 */
final class Manifests {
  static final Path DIR = Path.of("deploy", "kubernetes");
  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private final List<HasMetadata> objects;

  private Manifests(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /** The files named by {@code kustomization.yaml}'s {@code resources}, in order. */
  static List<Path> resourceFiles() {
    JsonNode kustomization = yaml(DIR.resolve("kustomization.yaml"));
    List<Path> files = new ArrayList<>();
    kustomization.path("resources").forEach(r -> files.add(DIR.resolve(r.asText())));
    return files;
  }

  static Manifests load() {
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : resourceFiles()) {
      try {
        Object parsed = KUBERNETES.unmarshal(Files.readString(file));
        if (!(parsed instanceof HasMetadata object) || parsed instanceof GenericKubernetesResource) {
          throw new IllegalStateException(file + ": not a Kubernetes kind the model knows (apiVersion and kind)");
        }
        objects.add(object);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Manifests(List.copyOf(objects));
  }

  List<HasMetadata> all() {
    return objects;
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new IllegalStateException("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  Container proxyContainer() {
    List<Container> containers = one(Deployment.class).getSpec().getTemplate().getSpec().getContainers();
    if (containers.size() != 1) {
      throw new IllegalStateException("expected the Deployment to run one container, found " + containers.size());
    }
    return containers.get(0);
  }

  /** The probes the Deployment's container has, by kind (startup, liveness, readiness); absent ones left out. */
  Map<String, Probe> probes() {
    Container c = proxyContainer();
    Map<String, Probe> probes = new java.util.LinkedHashMap<>();
    Optional.ofNullable(c.getStartupProbe()).ifPresent(p -> probes.put("startup", p));
    Optional.ofNullable(c.getLivenessProbe()).ifPresent(p -> probes.put("liveness", p));
    Optional.ofNullable(c.getReadinessProbe()).ifPresent(p -> probes.put("readiness", p));
    return probes;
  }

  /**
   * Where a key of the ConfigMap appears inside the proxy's container, or empty when no mount carries it: a
   * configMap volume mounted at a directory, with {@code items} or all keys, or one key through {@code subPath}.
   */
  Optional<MountedKey> mountOf(String key) {
    ConfigMap configMap = one(ConfigMap.class);
    List<Volume> volumes = one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes();
    for (VolumeMount mount : proxyContainer().getVolumeMounts()) {
      for (Volume volume : volumes) {
        if (!volume.getName().equals(mount.getName()) || volume.getConfigMap() == null
            || !volume.getConfigMap().getName().equals(configMap.getMetadata().getName())) {
          continue;
        }
        String fileInVolume = volume.getConfigMap().getItems() == null || volume.getConfigMap().getItems().isEmpty()
            ? key
            : volume.getConfigMap().getItems().stream().filter(i -> i.getKey().equals(key))
                .map(i -> i.getPath()).findFirst().orElse(null);
        if (fileInVolume == null) {
          continue;
        }
        String subPath = mount.getSubPath();
        if (subPath != null && !subPath.isEmpty()) {
          if (subPath.equals(fileInVolume)) {
            return Optional.of(new MountedKey(mount.getMountPath(), mount, true));
          }
          continue;
        }
        return Optional.of(new MountedKey(mount.getMountPath() + "/" + fileInVolume, mount, false));
      }
    }
    return Optional.empty();
  }

  /** A ConfigMap key as a file in the container; a subPath mount never sees the ConfigMap's later changes. */
  record MountedKey(String path, VolumeMount mount, boolean subPath) {}

  /**
   * Fields the model has no property for, anywhere in the tree (fabric8 keeps them aside instead of failing, so a
   * misspelt {@code readinesProbe} would otherwise pass unseen), as {@code path: names}.
   */
  static List<String> unknownFields(Object node) {
    List<String> found = new ArrayList<>();
    collectUnknown(node, node == null ? "" : node.getClass().getSimpleName(), found);
    return found;
  }

  private static void collectUnknown(Object node, String path, List<String> found) {
    if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectUnknown(list.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, found));
      return;
    }
    if (node == null || !node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      } else {
        collectUnknown(value, path + "." + getter.getName().substring(3), found);
      }
    }
  }

  static JsonNode yaml(Path file) {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
