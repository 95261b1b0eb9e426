package io.dpsagent.emulator.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsagent.emulator.encoding.Json;
import io.dpsagent.emulator.registry.CustomAllocation;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a custom allocation webhook: POST of an {@code AllocationRequest}, answer {@code {
 * iotHubHostName, initialTwin?, payload? }}. The call is asynchronous so that network threads never
 * wait for a webhook.
 */
final class CustomAllocationWebhook {

  /** What the webhook chose. */
  record Answer(
      String iotHubHostName, Optional<JsonNode> initialTwin, Optional<JsonNode> payload) {}

  /** The webhook failed, timed out or answered something unusable; the message says which. */
  static final class WebhookException extends Exception {
    WebhookException(String message) {
      super(message, null, false, false);
    }
  }

  private final Duration timeout;
  // Made at the first call: a client loads the JDK's TLS stack and reads its trust store, a tenth
  // of a second of every start, for a policy few enrollments use.
  private HttpClient http;

  CustomAllocationWebhook(Duration timeout) {
    this.timeout = timeout;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }
    return http;
  }

  /** Completes with the answer, or exceptionally with a {@link WebhookException}. */
  CompletableFuture<Answer> call(CustomAllocation webhook, ObjectNode allocationRequest) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(webhook.webhookUrl())
              .timeout(timeout)
              .header("Content-Type", "application/json; charset=utf-8")
              .header("Accept", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofByteArray(
                      Json.MAPPER.writeValueAsBytes(allocationRequest)))
              .build();
    } catch (IOException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new WebhookException("cannot build the request"));
    }
    return http()
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new CompletionFailure(
                    new WebhookException(
                        "webhook unreachable or too slow: " + error.getClass().getSimpleName()));
              }
              try {
                return parse(response);
              } catch (WebhookException e) {
                throw new CompletionFailure(e);
              }
            });
  }

  private static Answer parse(HttpResponse<byte[]> response) throws WebhookException {
    if (response.statusCode() < 200 || response.statusCode() > 299) {
      throw new WebhookException("webhook answered HTTP " + response.statusCode());
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new WebhookException("webhook answer is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new WebhookException("webhook answer is not a JSON object");
    }
    JsonNode hub = body.get("iotHubHostName");
    if (hub == null || !hub.isTextual() || hub.textValue().isBlank()) {
      throw new WebhookException("webhook answer has no iotHubHostName");
    }
    return new Answer(
        hub.textValue(), optionalObject(body, "initialTwin"), optionalObject(body, "payload"));
  }

  // Devices parse the payload as a JSON object; anything else would break them, so it fails here.
  private static Optional<JsonNode> optionalObject(JsonNode body, String field)
      throws WebhookException {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw new WebhookException("webhook answer's " + field + " is not a JSON object");
    }
    return Optional.of(value);
  }

  /** Carries a {@link WebhookException} through the future. */
  static final class CompletionFailure extends RuntimeException {
    CompletionFailure(WebhookException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
