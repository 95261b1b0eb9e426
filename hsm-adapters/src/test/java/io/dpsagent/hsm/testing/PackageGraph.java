package io.dpsagent.hsm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which packages of a module use which, read from the compiled classes: a class file's constant
 * pool names every class it refers to (in modified UTF-8, ASCII for these names, so a byte search
 * finds them). Packages are named relative to the module's root package, the root itself as {@code
 * ""}.
 */
public final class PackageGraph {

  private final Map<String, Set<String>> uses;

  private PackageGraph(Map<String, Set<String>> uses) {
    this.uses = uses;
  }

  /**
   * @param classes the compiled classes, e.g. {@code target/classes}
   * @param rootPackage the module's root package, e.g. {@code io.dpsagent.agent}
   */
  public static PackageGraph of(Path classes, String rootPackage) {
    String root = rootPackage.replace('.', '/');
    Pattern reference = Pattern.compile(Pattern.quote(root) + "((?:/[a-z][a-z0-9_]*)*)/[A-Z]");
    Map<String, Set<String>> uses = new TreeMap<>();
    Path base = classes.resolve(root);
    try (Stream<Path> files = Files.walk(base)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String from = packageOf(base.relativize(file.getParent()).toString());
        Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher m =
            reference.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        while (m.find()) {
          String to = packageOf(m.group(1).isEmpty() ? "" : m.group(1).substring(1));
          if (!to.equals(from)) {
            targets.add(to);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PackageGraph(uses);
  }

  private static String packageOf(String relativePath) {
    return relativePath.replace('/', '.');
  }

  /** The packages {@code from} uses that are {@code other} or below it. */
  public Set<String> usesOf(String from, String other) {
    Set<String> found = new TreeSet<>();
    for (String to : uses.getOrDefault(from, Set.of())) {
      if (to.equals(other) || (!other.isEmpty() && to.startsWith(other + "."))) {
        found.add(to);
      }
    }
    return found;
  }

  /**
   * Groups of packages that use each other in a circle (Tarjan's strongly connected components).
   */
  public List<Set<String>> cycles() {
    List<Set<String>> cycles = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    for (String start : uses.keySet()) {
      if (!index.containsKey(start)) {
        connect(start, index, low, stack, cycles);
      }
    }
    return cycles;
  }

  private void connect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      List<Set<String>> cycles) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : uses.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, cycles);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        cycles.add(component);
      }
    }
  }
}
