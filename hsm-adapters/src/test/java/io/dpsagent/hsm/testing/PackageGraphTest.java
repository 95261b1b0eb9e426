package io.dpsagent.hsm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph the layer tests rely on finds a circle when there is one. */
class PackageGraphTest {

  @TempDir Path classes;

  private void classFile(String path, String... references) throws IOException {
    Path file = classes.resolve("org/example/" + path + ".class");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "\u00ca\u00fe" + String.join("\u0001", references));
  }

  @Test
  void twoPackagesUsingEachOtherThroughAThirdAreACycle() throws IOException {
    classFile("a/A", "org/example/b/B");
    classFile("b/B", "org/example/c/C$Inner");
    classFile("c/C", "org/example/a/A", "org/example/Root");
    classFile("Root");
    PackageGraph graph = PackageGraph.of(classes, "org.example");
    assertEquals(List.of(Set.of("a", "b", "c")), graph.cycles());
    assertEquals(Set.of(""), graph.usesOf("c", ""));
    assertEquals(Set.of("b"), graph.usesOf("a", "b"));
  }

  @Test
  void layersWithoutCirclesHaveNoCycle() throws IOException {
    classFile("a/A", "org/example/b/B", "org/example/b/deep/D");
    classFile("b/B", "org/example/Root");
    classFile("b/deep/D", "org/example/Root");
    classFile("Root");
    PackageGraph graph = PackageGraph.of(classes, "org.example");
    assertEquals(List.of(), graph.cycles());
    assertEquals(Set.of("b", "b.deep"), graph.usesOf("a", "b"));
  }
}
