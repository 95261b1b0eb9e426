package io.dpsagent.emulator.registry;

import java.net.URI;
import java.util.Locale;

/**
 * Where the custom allocation policy asks for a hub ({@code customAllocationDefinition}).
 *
 * @param webhookUrl an http or https URL the emulator POSTs the allocation request to
 * @param apiVersion the service API version of the enrollment sent to the webhook
 */
public record CustomAllocation(URI webhookUrl, String apiVersion) {

  public static final String DEFAULT_API_VERSION = "2019-03-31";

  public CustomAllocation {
    String scheme = webhookUrl == null ? null : webhookUrl.getScheme();
    if (scheme == null
        || !(scheme.toLowerCase(Locale.ROOT).equals("http")
            || scheme.toLowerCase(Locale.ROOT).equals("https"))
        || webhookUrl.getHost() == null) {
      throw new IllegalArgumentException("webhook URL must be an absolute http(s) URL");
    }
    if (apiVersion == null || apiVersion.isBlank()) {
      apiVersion = DEFAULT_API_VERSION;
    }
  }

  /**
   * @throws IllegalArgumentException if {@code webhookUrl} is not an absolute http(s) URL
   */
  public static CustomAllocation of(String webhookUrl, String apiVersion) {
    URI uri;
    try {
      uri = URI.create(webhookUrl);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("webhook URL is not a URL");
    }
    return new CustomAllocation(uri, apiVersion);
  }
}
