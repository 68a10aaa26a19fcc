package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.AdaptiveRateLimiter;
import io.github.selfreflect.reflect.llm.Pricing;
import java.util.Objects;

/**
 * How fast, how far and how badly a run may go.
 *
 * @param rateCaps hard caps on requests and tokens per minute (the adaptive pace stays under them)
 * @param maxRequests the most HTTP requests the run sends, retries included; 0 = no limit
 * @param maxTokens the most tokens (prompt and reply) the run spends; 0 = no limit. A request is
 *     sent only while the tokens spent plus the estimates of the requests in flight stay under it
 * @param onBudget what happens when a budget is reached
 * @param maxFailures how many failed targets are tolerated before the run fails
 * @param pricing prices per million tokens for a cost figure, or null
 */
public record RunLimits(
    AdaptiveRateLimiter.Caps rateCaps,
    long maxRequests,
    long maxTokens,
    BudgetAction onBudget,
    FailureThreshold maxFailures,
    Pricing pricing) {

  /** No caps, no budget, no failure tolerated, no prices. */
  public static final RunLimits DEFAULT =
      new RunLimits(
          AdaptiveRateLimiter.Caps.NONE, 0, 0, BudgetAction.FAIL, FailureThreshold.NONE, null);

  public RunLimits {
    Objects.requireNonNull(rateCaps, "rateCaps");
    Objects.requireNonNull(onBudget, "onBudget");
    Objects.requireNonNull(maxFailures, "maxFailures");
    if (maxRequests < 0 || maxTokens < 0) {
      throw new IllegalArgumentException("budgets must not be negative");
    }
  }
}
