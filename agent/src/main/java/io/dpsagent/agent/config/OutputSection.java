package io.dpsagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code [output]}: where the provisioning outputs and hub tokens go, and the hook run after. */
final class OutputSection {

  private OutputSection() {}

  static OutputConfig bind(Section s) throws InvalidConfigException {
    Path dir =
        s.string("dir").isPresent()
            ? ConfigPaths.absolutePath(s, "dir")
            : ConfigLoader.DEFAULT_OUTPUT_DIR;
    boolean connectionString = s.bool("connection_string").orElse(true);
    boolean groupReadable = s.bool("group_readable").orElse(false);
    Path tokenDir =
        s.string("token_dir").isPresent()
            ? ConfigPaths.absolutePath(s, "token_dir")
            : OutputConfig.DEFAULT_TOKEN_DIR;
    Optional<String> tokenGroup = s.string("token_group");
    Duration tokenTtl = Duration.ofSeconds(s.integer("token_ttl_seconds", 2, 86_400).orElse(3600L));
    boolean envFile = s.bool("env_file").orElse(false);
    Optional<PostProvisionHook> hook = s.table("post_provision_hook", OutputSection::hook);
    s.rejectUnknownKeys();
    return new OutputConfig(
        dir, connectionString, groupReadable, tokenDir, tokenGroup, tokenTtl, envFile, hook);
  }

  private static PostProvisionHook hook(Section s) throws InvalidConfigException {
    List<String> command =
        s.strings("command")
            .orElseThrow(
                () ->
                    new InvalidConfigException(
                        s.keyName("command"),
                        "is missing; give the program and its arguments, e.g. command = [\"/usr/bin/systemctl\", \"restart\","
                            + " \"my-app\"]"));
    if (!command.get(0).startsWith("/")) {
      throw new InvalidConfigException(
          s.keyName("command"),
          "the program must be an absolute path (no shell, no PATH"
              + " search), e.g. \"/usr/bin/systemctl\"");
    }
    Duration timeout = Duration.ofSeconds(s.integer("timeout_seconds", 1, 3600).orElse(30L));
    s.rejectUnknownKeys();
    return new PostProvisionHook(command, timeout);
  }
}
