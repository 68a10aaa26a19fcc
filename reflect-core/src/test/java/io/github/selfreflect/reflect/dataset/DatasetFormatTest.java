package io.github.selfreflect.reflect.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetFormatTest {

  @Test
  void parsesACommaSeparatedListIgnoringSpacesCaseAndRepeats() {
    assertEquals(
        Set.of(DatasetFormat.SFT, DatasetFormat.PREFERENCE),
        DatasetFormat.parseList(" SFT, preference ,sft"));
    assertEquals(DatasetFormat.all(), DatasetFormat.parseList("sft,preference,reflections"));
  }

  @Test
  void anUnknownOrEmptyListIsRefusedNamingTheKnownFormats() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parseList("sft,dpo"));
    assertEquals(
        "unknown dataset format 'dpo': expected a comma-separated list of sft, preference, reflections",
        unknown.getMessage());
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parseList(" , "));
    assertEquals(
        "expected at least one of sft, preference, reflections, found ' , '", empty.getMessage());
  }
}
