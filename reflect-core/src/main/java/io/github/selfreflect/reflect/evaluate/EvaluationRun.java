package io.github.selfreflect.reflect.evaluate;

import io.github.selfreflect.reflect.llm.Usage;

/**
 * What one {@code reflect:evaluate} run did, for its summary block: the judgments of the sample
 * (two per pair), how many were cached already, judged or failed this run, and what it sent and
 * spent. All zero but the counts when everything was cached.
 *
 * @param judgments judge requests the sample needs, cached or not
 * @param cached judgments the cache held when the run began
 * @param judged judgments received and cached this run
 * @param failed judgments that failed this run
 * @param requests HTTP requests sent, retries included
 * @param retries transport retries and re-asked unusable replies
 * @param rateLimited 429 answers
 * @param usage tokens spent this run
 */
public record EvaluationRun(
    long judgments,
    long cached,
    long judged,
    long failed,
    long requests,
    long retries,
    long rateLimited,
    Usage usage) {}
