package io.dpsagent.agent.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Commands whose picocli model is built by code rather than read from annotations: reading
 * annotations reflectively makes a runtime proxy class per annotation type, which no JDK 17
 * class-data archive keeps, and costs {@code status} about a tenth of its run (docs/benchmarks.md,
 * "CLI start-up"). The models are the ones the annotations gave.
 */
final class Specs {

  private Specs() {}

  /** A command implemented by {@code command}, with {@code -h} and {@code -V} as picocli's own. */
  static CommandSpec command(Object command, String name, String description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.usageMessage().description(description);
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
    return spec;
  }

  /**
   * A command reading the configuration: {@code command} gets {@code context} and its {@code
   * --config}, and its model {@code options} with {@code --config} last, as the annotations gave.
   */
  static CommandSpec configured(
      ConfiguredCommand command,
      Main.Context context,
      String name,
      String description,
      List<OptionSpec> options) {
    command.context = context;
    command.config = new ConfigOption();
    CommandSpec spec = command(command, name, description);
    options.forEach(spec::addOption);
    spec.addOption(command.config.spec());
    return spec;
  }

  /** An option without a value, read and written through {@code get} and {@code set}. */
  static OptionSpec flag(
      String name, String description, Supplier<Boolean> get, Consumer<Boolean> set) {
    return flag(new String[] {name}, description, get, set);
  }

  /** An option without a value under each of {@code names}. */
  static OptionSpec flag(
      String[] names, String description, Supplier<Boolean> get, Consumer<Boolean> set) {
    return bound(
            OptionSpec.builder(names).arity("0").description(description), boolean.class, get, set)
        .build();
  }

  /** {@code option} of {@code type}, whose initial value is what {@code get} gives now. */
  static <V> OptionSpec.Builder bound(
      OptionSpec.Builder option, Class<V> type, Supplier<V> get, Consumer<V> set) {
    return option
        .type(type)
        .initialValue(get.get())
        .hasInitialValue(true)
        .getter(
            new IGetter() {
              @Override
              @SuppressWarnings("unchecked")
              public <T> T get() {
                return (T) get.get();
              }
            })
        .setter(
            new ISetter() {
              @Override
              @SuppressWarnings("unchecked")
              public <T> T set(T value) {
                T old = (T) get.get();
                set.accept((V) value);
                return old;
              }
            });
  }
}
