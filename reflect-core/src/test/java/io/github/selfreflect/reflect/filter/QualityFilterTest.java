package io.github.selfreflect.reflect.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityFilterTest {

  private static Target target(String conversationId, String question, String original) {
    Conversation conversation =
        new Conversation(
            conversationId,
            "chats.jsonl",
            1,
            List.of(
                Message.of(Role.USER, question),
                Message.of(Role.ASSISTANT, original),
                Message.of(Role.USER, "That's not what I asked.")));
    return new Target(conversation, 1);
  }

  private static Reflection revise(String answer) {
    return new Reflection("critique", answer, Verdict.REVISE);
  }

  private static final String ORIGINAL =
      "Paris is the capital of France, and it has been for a very long time.";

  @Test
  void keepsAGenuineRevision() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    assertNull(
        filter.check(
            target("c", "Capital of France?", ORIGINAL),
            revise("The capital of France is Paris, on the Seine, with about two million people.")));
    assertEquals(0L, filter.counts().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void identicalAfterNormalisingWhitespaceIsFiltered() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    Exclusion exclusion =
        filter.check(
            target("c", "Capital of France?", ORIGINAL),
            revise("  Paris is the capital of France,\n and it has\tbeen for a very long time.\n"));

    assertEquals(FilterReason.IDENTICAL, exclusion.reason());
    assertEquals(1L, filter.counts().get(FilterReason.IDENTICAL));
  }

  @Test
  void aChangedWordIsNotIdentical() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    assertNull(
        filter.check(
            target("c", "Capital of France?", ORIGINAL),
            revise("Paris is the capital of France, and it has been for a very long while.")));
  }

  @Test
  void emptyAnswerIsFilteredAsLength() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    Exclusion exclusion = filter.check(target("c", "Q?", ORIGINAL), revise(" \n "));

    assertEquals(FilterReason.LENGTH, exclusion.reason());
    assertEquals("the new answer is empty", exclusion.detail());
  }

  @Test
  void lengthRatioOutsideTheBoundsIsFilteredAndTheBoundsAreConfigurable() {
    String longAnswer = "word ".repeat(200).trim(); // 999 characters against 69
    Target target = target("c", "Q?", ORIGINAL);

    Exclusion tooLong = new QualityFilter(FilterSettings.DEFAULTS).check(target, revise(longAnswer));
    assertEquals(FilterReason.LENGTH, tooLong.reason());
    assertEquals(
        "the new answer is 14.48 times the original's length (999 vs 69 characters), outside [0.1, 10]",
        tooLong.detail());

    FilterSettings generous = new FilterSettings(EnumSet.allOf(FilterReason.class), 0.1, 20);
    assertNull(new QualityFilter(generous).check(target, revise(longAnswer)));

    FilterSettings strict = new FilterSettings(EnumSet.allOf(FilterReason.class), 0.5, 10);
    assertEquals(
        FilterReason.LENGTH,
        new QualityFilter(strict).check(target, revise("Paris, the capital.")).reason());
  }

  @Test
  void aShortOriginalDoesNotMakeARealAnswerLookAbsurd() {
    // "Sure." is 5 characters; lengths count as at least 20, so 150 characters is a ratio of 7.5.
    Target target = target("c", "Can you help?", "Sure.");

    assertNull(new QualityFilter(FilterSettings.DEFAULTS).check(target, revise("x".repeat(150))));
  }

  @Test
  void aNewRefusalIsFilteredButARefusalOfARefusalIsNot() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    Exclusion exclusion =
        filter.check(
            target("c", "How do I pick my own bike lock?", "Try a shim made from a can."),
            revise("I'm sorry, but I can't help with bypassing locks."));
    assertEquals(FilterReason.REFUSAL, exclusion.reason());
    assertEquals(
        "the new answer refuses (\"i can't help with\") where the original answered",
        exclusion.detail());

    assertNull(
        filter.check(
            target("d", "Write my essay?", "I cannot help with that request, sorry."),
            revise("I can't help with writing it for you, sorry.")));
  }

  @Test
  void correctingAFalsePremiseAndThenHelpingIsNotARefusal() {
    // The coin example's revision: it declines the impossible part and goes on to help.
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);

    assertNull(
        filter.check(
            target("coin", "Flip a 3-sided coin", "I flipped a 3-sided coin and it landed on heads."),
            revise(
                "I'm sorry, I am not able to physically flip a coin. However, I can simulate the"
                    + " outcome of a hypothetical 3-sided coin flip for you.")));
    assertTrue(Refusals.refuses("I’m sorry, but I can’t do that."), "curly apostrophes");
    assertFalse(Refusals.refuses("Here is the fix. I can't stress enough: back up first."));
  }

  @Test
  void theSecondIdenticalPromptAndAnswerPairIsADuplicate() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);
    String answer = "Paris, on the Seine, has been France's capital since the Middle Ages.";

    assertNull(filter.check(target("a", "Capital of France?", ORIGINAL), revise(answer)));
    assertNull(filter.check(target("b", "Capital of Spain?", ORIGINAL), revise(answer)));
    Exclusion duplicate =
        filter.check(target("c", "Capital of France?", ORIGINAL), revise(answer));

    assertEquals(FilterReason.DUPLICATE, duplicate.reason());
    assertEquals(Map.of(FilterReason.IDENTICAL, 0L, FilterReason.LENGTH, 0L, FilterReason.REFUSAL, 0L,
        FilterReason.DUPLICATE, 1L), filter.counts());
  }

  @Test
  void keepVerdictsAreCheckedForDuplicatesOfTheirOriginalAnswerOnly() {
    QualityFilter filter = new QualityFilter(FilterSettings.DEFAULTS);
    Reflection keep = new Reflection("Correct.", "", Verdict.KEEP);

    assertNull(filter.check(target("a", "Capital of France?", ORIGINAL), keep), "empty answer of a KEEP");
    assertEquals(
        FilterReason.DUPLICATE,
        filter.check(target("b", "Capital of France?", ORIGINAL), keep).reason());
  }

  @Test
  void aSwitchedOffFilterDoesNotFire() {
    QualityFilter filter =
        new QualityFilter(
            new FilterSettings(FilterSettings.parseList("length,refusal,duplicate"), 0.1, 10));

    assertNull(filter.check(target("c", "Q?", ORIGINAL), revise(ORIGINAL)));
    assertNull(new QualityFilter(FilterSettings.NONE).check(target("c", "Q?", ORIGINAL), revise("")));
  }

  @Test
  void filterListsParseAndNameTheValidChoicesOnError() {
    assertEquals(EnumSet.allOf(FilterReason.class), FilterSettings.parseList("identical, LENGTH,refusal,duplicate"));
    assertEquals(EnumSet.noneOf(FilterReason.class), FilterSettings.parseList("none"));
    assertEquals(EnumSet.noneOf(FilterReason.class), FilterSettings.parseList(""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FilterSettings.parseList("identical,lenght"));
    assertEquals(
        "unknown filter 'lenght'; expected any of identical, length, refusal, duplicate (or none)",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new FilterSettings(EnumSet.allOf(FilterReason.class), 2, 1));
  }

  @Test
  void fingerprintsSeparateFieldsSoShiftedTextIsNotADuplicate() {
    PairFingerprints set = new PairFingerprints();
    assertTrue(set.add(List.of(Message.of(Role.USER, "ab")), "c"));
    assertTrue(set.add(List.of(Message.of(Role.USER, "a")), "bc"));
    assertFalse(set.add(List.of(Message.of(Role.USER, "ab")), "c"));
    for (int i = 0; i < 5000; i++) {
      assertTrue(set.add(List.of(Message.of(Role.USER, "q" + i)), "a"), "grows without losing");
    }
    assertEquals(5002, set.size());
    assertFalse(set.add(List.of(Message.of(Role.USER, "q1234")), "a"));
  }
}
