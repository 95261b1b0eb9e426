package io.dpsagent.common;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The names config files and wire formats give enum constants, and the constants by those names.
 *
 * <p>A spelling is derived from the constant's own name ({@code SECRET_KEY} is {@code secret_key},
 * {@code secret-key} or {@code secretKey}), so that the two cannot drift apart and a new constant
 * needs no string of its own. The message for an unknown name is built from the constants, so it
 * lists every choice as the enum gains one.
 */
public final class ConstantNames {

  private ConstantNames() {}

  /** {@code ON_CHANGE} as {@code on_change}. */
  public static String lowerCase(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** {@code WELL_FORMED} as {@code well-formed}. */
  public static String kebabCase(Enum<?> constant) {
    return lowerCase(constant).replace('_', '-');
  }

  /** {@code GEO_LATENCY} as {@code geoLatency}. */
  public static String camelCase(Enum<?> constant) {
    String[] words = lowerCase(constant).split("_");
    StringBuilder name = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
    }
    return name.toString();
  }

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
