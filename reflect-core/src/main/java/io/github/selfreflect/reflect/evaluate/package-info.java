/**
 * {@code reflect:evaluate}: proving that the revised answers are better, with numbers. A judge
 * model compares the original and the revised answer of a seeded sample of the dataset's
 * preference pairs ({@link io.github.selfreflect.reflect.evaluate.DatasetPairs}), each pair in both
 * orders ({@link io.github.selfreflect.reflect.evaluate.JudgeOrder}); a pair is a win or a loss only
 * when both orders agree. The win rate comes with a Wilson 95% interval and the mean answer
 * lengths (judges favour length). Judgments are cached like reflections ({@link
 * io.github.selfreflect.reflect.evaluate.JudgmentCache}).
 */
package io.github.selfreflect.reflect.evaluate;
