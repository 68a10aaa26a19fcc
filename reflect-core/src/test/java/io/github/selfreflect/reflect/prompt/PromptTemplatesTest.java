package io.github.selfreflect.reflect.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.prompt.seed.SeedTemplate;
import org.junit.jupiter.api.Test;

class PromptTemplatesTest {

  @Test
  void seedIsRegisteredFirst() {
    assertEquals("seed", PromptTemplates.ids().get(0));
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
    assertTrue(e.getMessage().startsWith("unknown prompt template 'Seed'; available: seed"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PromptTemplates.byId(null));
  }

  @Test
  void idsCannotBeModified() {
    assertThrows(UnsupportedOperationException.class, () -> PromptTemplates.ids().add("x"));
  }
}
