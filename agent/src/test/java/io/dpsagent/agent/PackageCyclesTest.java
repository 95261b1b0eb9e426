package io.dpsagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dpsagent.hsm.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the agent's packages point one way (docs/architecture.md): no two packages
 * use each other, directly or through others, and the protocol layer knows no transport.
 */
class PackageCyclesTest {

  private static final PackageGraph GRAPH =
      PackageGraph.of(Path.of("target/classes"), "io.dpsagent.agent");

  @Test
  void noPackagesUseEachOtherInACircle() {
    assertEquals(List.of(), GRAPH.cycles());
  }

  @Test
  void theRegistrationProtocolKnowsNoTransport() {
    assertEquals(Set.of(), GRAPH.usesOf("dps", "transport"));
  }

  @Test
  void configKnowsNeitherProtocolNorTransport() {
    assertEquals(Set.of(), GRAPH.usesOf("config", "dps"));
    assertEquals(Set.of(), GRAPH.usesOf("config", "transport"));
  }
}
