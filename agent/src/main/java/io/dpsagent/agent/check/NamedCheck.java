package io.dpsagent.agent.check;

import java.util.List;

/** A check whose name and prerequisites are fixed when it is made. */
abstract class NamedCheck implements Check {

  private final String id;
  private final List<String> requires;

  NamedCheck(String id, List<String> requires) {
    this.id = id;
    this.requires = List.copyOf(requires);
  }

  NamedCheck(String id) {
    this(id, List.of());
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public List<String> requires() {
    return requires;
  }
}
