package io.dpsagent.emulator.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Failures to inject into device requests, so that client retry logic can be tested against an
 * otherwise healthy emulator: error statuses (with or without {@code Retry-After}), delays, cut
 * connections, damaged bodies, unknown operation IDs and replies that never come.
 *
 * <p>Two sources, tried in this order: failures armed for the next requests ({@link #failNext(int,
 * int)}, {@link #dropNext(int)}), then the installed {@link FaultPlan} (from the config file, the
 * service API's {@code /emulator/faults} or {@link #install(FaultPlan)}).
 */
public final class Faults {

  /** How long a withheld HTTPS reply keeps its connection before the emulator closes it. */
  public static final Duration WITHHELD_CONNECTION_LIFETIME = Duration.ofSeconds(60);

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final Deque<Fault> armed = new ArrayDeque<>();
  private FaultPlan plan = FaultPlan.NONE;
  private int[] scriptPositions = new int[0];
  private final Map<String, Integer> draws = new HashMap<>();
  private final Map<String, Long> injected = new TreeMap<>();

  /**
   * The next {@code count} device requests are answered with {@code httpStatus}, no Retry-After.
   */
  public void failNext(int count, int httpStatus) {
    arm(count, Fault.status(httpStatus, OptionalInt.empty()));
  }

  /** As {@link #failNext(int, int)}, with a {@code Retry-After} header. */
  public void failNext(int count, int httpStatus, int retryAfterSeconds) {
    arm(count, Fault.status(httpStatus, OptionalInt.of(retryAfterSeconds)));
  }

  /**
   * The next {@code count} device requests lose their connection in the middle of the reply: HTTPS
   * sends the status line, headers and half the body, then closes; MQTT closes the connection
   * instead of publishing the reply. The request itself takes effect.
   */
  public void dropNext(int count) {
    arm(count, Fault.of(Fault.Type.RESET));
  }

  /** Replaces the plan; scripts start from their first entry and random draws from the seed. */
  public synchronized void install(FaultPlan newPlan) {
    plan = newPlan;
    scriptPositions = new int[newPlan.rules().size()];
    draws.clear();
    injected.clear();
  }

  public synchronized FaultPlan plan() {
    return plan;
  }

  /** Cancels the armed failures and the plan. */
  public synchronized void clear() {
    armed.clear();
    install(FaultPlan.NONE);
  }

  /** How many armed failures are still to be delivered. */
  public synchronized int remaining() {
    return armed.size();
  }

  /** How often each fault was injected since the plan was installed, by written form. */
  public synchronized Map<String, Long> injected() {
    return Collections.unmodifiableMap(new TreeMap<>(injected));
  }

  /** The plan, what is left of each script and what was injected, as the service API shows it. */
  public synchronized ObjectNode describe() {
    List<Integer> left = new ArrayList<>();
    for (int i = 0; i < plan.rules().size(); i++) {
      left.add(plan.rules().get(i).script().size() - scriptPositions[i]);
    }
    ObjectNode json = FaultPlanJson.toJson(plan, left, injected);
    json.put("armed", armed.size());
    return json;
  }

  private synchronized void arm(int count, Fault fault) {
    if (count < 0) {
      throw new IllegalArgumentException("count is negative");
    }
    armed.clear();
    armed.addAll(Collections.nCopies(count, fault));
  }

  /**
   * Answers a device request: through {@code answer}, unless a fault replaces the answer, and
   * spoilt by the fault if one applies.
   */
  DeviceReply inject(
      RequestKind kind, DeviceRequest request, Instant now, Supplier<DeviceReply> answer) {
    Optional<Fault> fault = next(kind, request.transport(), request.registrationId());
    if (fault.isEmpty()) {
      return answer.get();
    }
    Fault injecting = fault.get();
    if (injecting.replacesAnswer()) {
      int status = injecting.status();
      return DeviceReply.error(
              status,
              status * 1000 + 1,
              "Injected fault (HTTP " + status + ").",
              injecting.retryAfterSeconds(),
              now)
          .with(injecting);
    }
    DeviceReply reply = answer.get();
    boolean renamesOperation = injecting.type() == Fault.Type.WRONG_OPERATION_ID;
    if (renamesOperation && reply.body() instanceof ObjectNode body) {
      ObjectNode changed = body.deepCopy();
      changed.put("operationId", OperationStore.newOperationId());
      reply =
          new DeviceReply(reply.status(), changed, reply.retryAfterSeconds(), reply.errorCode());
    }
    return reply.with(injecting);
  }

  synchronized Optional<Fault> next(RequestKind kind, DeviceTransport transport, String id) {
    Optional<Fault> fault = Optional.ofNullable(armed.poll());
    for (int i = 0; fault.isEmpty() && i < plan.rules().size(); i++) {
      FaultRule rule = plan.rules().get(i);
      if (rule.matches(kind, transport, id)) {
        fault = rule.isScript() ? scripted(i, rule) : drawn(i, rule, id);
      }
    }
    fault = fault.filter(f -> f.type() != Fault.Type.OK);
    fault.ifPresent(f -> injected.merge(f.toString(), 1L, Long::sum));
    return fault;
  }

  private Optional<Fault> scripted(int index, FaultRule rule) {
    if (scriptPositions[index] == rule.script().size()) {
      return Optional.empty();
    }
    return Optional.of(rule.script().get(scriptPositions[index]++));
  }

  // Each device's n-th request under a rule gets its own generator, so that concurrency does not
  // change which device sees which fault.
  private Optional<Fault> drawn(int index, FaultRule rule, String id) {
    String device = id.toLowerCase(Locale.ROOT);
    int n = draws.merge(index + "/" + device, 1, Integer::sum);
    long seed = plan.seed();
    for (long part : new long[] {index, device.hashCode(), n}) {
      seed = seed * GOLDEN_GAMMA + part;
    }
    SplittableRandom random = new SplittableRandom(seed);
    if (random.nextDouble() >= rule.probability()) {
      return Optional.empty();
    }
    return Optional.of(rule.faults().get(random.nextInt(rule.faults().size())));
  }
}
