package io.dpsagent.agent.config;

import java.nio.file.Path;

/**
 * The agent's validated configuration: what {@link ConfigLoader} returns once every key has been
 * checked. Components receive the section they need, never the raw TOML.
 *
 * @param source the file the configuration came from, for messages
 */
public record AgentConfig(Path source, ProvisioningConfig provisioning, TpmConfig tpm, OutputConfig output) {}
