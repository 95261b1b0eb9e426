package io.dpsagent.agent.output;

import java.util.Map;
import java.util.Optional;

/**
 * How the application authenticates to the assigned hub, for {@code connection.json}: a type, the
 * URIs of the key material (never the material), and the secret part of an Azure connection string
 * when the key is a software key that may be written out.
 *
 * @param type {@code sas} or {@code x509}
 * @param references key-material URIs by {@code connection.json} field name, in order
 * @param connectionStringSuffix what follows {@code HostName=...;DeviceId=...;} in a connection
 *     string ({@code SharedAccessKey=...} or {@code x509=true}); empty when no string can be made
 */
public record HubAuth(
    String type, Map<String, String> references, Optional<String> connectionStringSuffix) {

  @Override
  public String toString() {
    return "HubAuth[" + type + ", " + references + "]"; // never the connection string's key
  }
}
