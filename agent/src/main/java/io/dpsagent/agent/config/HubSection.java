package io.dpsagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@code [hub]}: the verification of the assigned hub, every key checked. */
final class HubSection {

  private HubSection() {}

  /** Binds {@code [hub]}. */
  static HubConfig bind(Section s) throws InvalidConfigException {
    Optional<Boolean> verify = s.bool("verify");
    int port = s.integer("port", 1, 65_535).orElse((long) HubConfig.DEFAULT_PORT).intValue();
    Optional<Path> caFile =
        s.string("ca_file").isPresent()
            ? Optional.of(ConfigPaths.filePath(s.string("ca_file").get(), s.keyName("ca_file")))
            : Optional.empty();
    Duration timeout =
        Duration.ofSeconds(
            s.integer("timeout_seconds", 1, 600).orElse(HubConfig.DEFAULT_TIMEOUT.toSeconds()));
    s.rejectUnknownKeys();
    return new HubConfig(verify, port, caFile, timeout);
  }
}
