package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One (original, revised) pair of the dataset drawn for judging.
 *
 * @param source the chat file
 * @param conversation the conversation id
 * @param turn the target's turn
 * @param reflectionKey the reflection's cache key (what the sample is drawn by)
 * @param prompt the conversation up to and including K, as in {@code preference.jsonl}
 * @param original the logged answer
 * @param revised the reflection's new answer
 */
public record SampledPair(
    String source,
    String conversation,
    int turn,
    String reflectionKey,
    JsonNode prompt,
    String original,
    String revised) {

  @Override
  public String toString() {
    return source + " " + conversation + " turn " + turn;
  }
}
