package io.dpsagent.packaging;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** systemd's named system call sets ({@code @system-service}, ...), resolved to call names. */
final class SyscallSets {

  private static final Map<String, Set<String>> CACHE = new ConcurrentHashMap<>();

  private SyscallSets() {}

  /** The calls in {@code set}, with the sets it includes resolved in turn. */
  static Set<String> expand(String set) {
    Set<String> cached = CACHE.get(set);
    if (cached != null) {
      return cached;
    }
    Set<String> calls = new TreeSet<>();
    String[] lines =
        Command.succeed("systemd-analyze", "syscall-filter", "--no-pager", set).split("\n");
    for (int i = 1; i < lines.length; i++) { // line 0 names the set itself
      String word = lines[i].strip();
      if (word.startsWith("@")) {
        calls.addAll(expand(word));
      } else if (!word.isEmpty() && !word.startsWith("#")) {
        calls.add(word);
      }
    }
    CACHE.put(set, Set.copyOf(calls));
    return CACHE.get(set);
  }
}
