package io.github.selfreflect.reflect.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.prompt.hindsight.HindsightTemplate;
import io.github.selfreflect.reflect.prompt.seed.SeedTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplatesTest {

  @Test
  void hindsightIsTheDefaultAndSeedStaysAvailable() {
    assertEquals(List.of("hindsight", "seed"), PromptTemplates.ids());
    assertInstanceOf(HindsightTemplate.class, PromptTemplates.byId("hindsight"));
    assertInstanceOf(SeedTemplate.class, PromptTemplates.byId("seed"));
    assertSame(PromptTemplates.byId("seed"), PromptTemplates.byId("seed"));
  }

  @Test
  void everyIdFindsATemplateWithThatId() {
    for (String id : PromptTemplates.ids()) {
      assertEquals(id, PromptTemplates.byId(id).id());
    }
  }

  @Test
  void unknownIdListsTheAvailableOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PromptTemplates.byId("Seed"));
    assertTrue(e.getMessage().startsWith("unknown prompt template 'Seed'; available: hindsight, seed"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PromptTemplates.byId(null));
  }

  @Test
  void idsCannotBeModified() {
    assertThrows(UnsupportedOperationException.class, () -> PromptTemplates.ids().add("x"));
  }
}
