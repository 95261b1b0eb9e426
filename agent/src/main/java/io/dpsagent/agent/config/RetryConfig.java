package io.dpsagent.agent.config;

import java.time.Duration;

/**
 * The {@code [provisioning.retry]} section: how long and how often transient failures are retried.
 * Every bound is finite, so a provisioning run always ends, and {@code maxElapsed} bounds it all:
 * waits, polls and every request in flight.
 *
 * @param maxAttempts attempts at the registration, counting the first, before giving up
 * @param maxElapsed total time budget for one provisioning run
 * @param initialBackoff the first back-off step; it doubles per attempt, with equal jitter (each
 *     wait is between half the step and the step)
 * @param maxBackoff the cap of a back-off step
 * @param retryAfterMin the floor applied to a server's {@code Retry-After}
 * @param defaultPollInterval the poll interval when the server sends no {@code Retry-After}
 * @param connectTimeout TCP + TLS connect timeout
 * @param requestTimeout time for one request to be answered (less when the budget has less left)
 */
public record RetryConfig(
    int maxAttempts,
    Duration maxElapsed,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration retryAfterMin,
    Duration defaultPollInterval,
    Duration connectTimeout,
    Duration requestTimeout) {}
