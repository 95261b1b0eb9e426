package io.dpsagent.agent.config;

import java.time.Duration;

/** {@code [provisioning.retry]}: the bounds of retrying transient trouble, every key checked. */
final class RetrySection {

  private RetrySection() {}

  static RetryConfig bind(Section s) throws InvalidConfigException {
    RetryConfig retry =
        new RetryConfig(
            s.integer("max_attempts", 1, 100).orElse(10L).intValue(),
            Duration.ofSeconds(s.integer("max_elapsed_seconds", 1, 86_400).orElse(300L)),
            Duration.ofMillis(s.integer("initial_backoff_ms", 1, 600_000).orElse(2000L)),
            Duration.ofSeconds(s.integer("max_backoff_seconds", 1, 3600).orElse(60L)),
            Duration.ofSeconds(s.integer("retry_after_min_seconds", 0, 3600).orElse(1L)),
            Duration.ofSeconds(s.integer("poll_interval_seconds", 1, 3600).orElse(2L)),
            Duration.ofSeconds(s.integer("connect_timeout_seconds", 1, 600).orElse(10L)),
            Duration.ofSeconds(s.integer("request_timeout_seconds", 1, 600).orElse(30L)));
    // Still accepted so that old configs load, but no longer obeyed: cutting a Retry-After short
    // made the agent retry before DPS allowed it, which prolongs the throttling.
    s.integer("retry_after_max_seconds", 1, 3600);
    s.rejectUnknownKeys();
    return retry;
  }
}
