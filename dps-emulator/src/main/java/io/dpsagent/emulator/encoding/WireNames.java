package io.dpsagent.emulator.encoding;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Enum constants by the names the config file and the wire spell them with. The message for an
 * unknown name is built from the constants, so it lists every choice as the enum gains one.
 */
public final class WireNames {

  private WireNames() {}

  /**
   * The constant named {@code text} exactly.
   *
   * @throws IllegalArgumentException naming the accepted spellings
   */
  public static <E extends Enum<E>> E parse(E[] constants, Function<E, String> name, String text) {
    return find(constants, name, text)
        .orElseThrow(() -> new IllegalArgumentException(choices(constants, name)));
  }

  /** The constant named {@code text} exactly, if any. */
  public static <E extends Enum<E>> Optional<E> find(
      E[] constants, Function<E, String> name, String text) {
    return Arrays.stream(constants).filter(c -> name.apply(c).equals(text)).findFirst();
  }

  /** {@code must be "a", "b" or "c"}: the problem with a name that is none of them. */
  public static <E extends Enum<E>> String choices(E[] constants, Function<E, String> name) {
    List<String> quoted = Arrays.stream(constants).map(c -> '"' + name.apply(c) + '"').toList();
    int last = quoted.size() - 1;
    return "must be "
        + (last == 0
            ? quoted.get(0)
            : String.join(", ", quoted.subList(0, last)) + " or " + quoted.get(last));
  }
}
