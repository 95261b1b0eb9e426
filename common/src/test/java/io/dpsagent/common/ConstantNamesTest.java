package io.dpsagent.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConstantNamesTest {

  private enum Sample {
    ONE,
    GEO_LATENCY,
    UPDATE_IF_MATCH
  }

  @Test
  void spellingsComeFromTheConstantsName() {
    assertEquals("geo_latency", ConstantNames.lowerCase(Sample.GEO_LATENCY));
    assertEquals("geo-latency", ConstantNames.kebabCase(Sample.GEO_LATENCY));
    assertEquals("geoLatency", ConstantNames.camelCase(Sample.GEO_LATENCY));
    assertEquals("updateIfMatch", ConstantNames.camelCase(Sample.UPDATE_IF_MATCH));
    assertEquals("one", ConstantNames.camelCase(Sample.ONE));
  }

  @Test
  void aConstantIsFoundByItsExactSpelling() {
    assertEquals(
        Sample.GEO_LATENCY,
        ConstantNames.parse(Sample.values(), ConstantNames::kebabCase, "geo-latency"));
    assertEquals(
        Optional.empty(),
        ConstantNames.find(Sample.values(), ConstantNames::kebabCase, "Geo-Latency"));
  }

  @Test
  void anUnknownSpellingIsRefusedWithEveryChoice() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConstantNames.parse(Sample.values(), ConstantNames::camelCase, "two"));

    assertEquals("must be \"one\", \"geoLatency\" or \"updateIfMatch\"", e.getMessage());
  }

  @Test
  void aSingleChoiceStandsAlone() {
    assertEquals(
        "must be \"one\"",
        ConstantNames.choices(new Sample[] {Sample.ONE}, ConstantNames::lowerCase));
  }
}
