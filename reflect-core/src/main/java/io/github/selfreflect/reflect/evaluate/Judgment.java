package io.github.selfreflect.reflect.evaluate;

import io.github.selfreflect.reflect.llm.Usage;
import java.util.Objects;

/**
 * One paid-for verdict of the judge on one pair in one order, as kept in the judgment cache.
 *
 * @param key the cache key: the SHA-256 of the judge template and the request (see {@link
 *     PairwiseJudge#key})
 * @param template the judge template's id
 * @param model the judge model the request named
 * @param source the chat file of the target
 * @param conversation the conversation id of the target
 * @param turn the target's turn
 * @param order which answer was shown as A
 * @param preference the judge's choice
 * @param reason the judge's stated reason
 * @param reply the judge's raw reply
 * @param usage the tokens the request cost
 */
public record Judgment(
    String key,
    String template,
    String model,
    String source,
    String conversation,
    int turn,
    JudgeOrder order,
    Preference preference,
    String reason,
    String reply,
    Usage usage) {

  public Judgment {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(preference, "preference");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(usage, "usage");
  }
}
