/**
 * The layers every request to a model passes through, whichever goal sends it and whichever
 * provider answers, and {@link io.github.selfreflect.reflect.llm.chain.ChatStack}, the one place
 * that assembles them (in the manner of OkHttp's interceptor chain):
 *
 * <pre>
 * ReplyValidation   asks again while the reply fails the caller's check (reflect.maxReplyAttempts)
 * FormatStepDown    json_schema, then json_object, then none, when the endpoint refuses a format
 * RetryLayer        429 / 5xx / dropped connections, with backoff and Retry-After (reflect.maxRetries)
 *   Metering          every attempt passes the run's gate: rate limiter, counters, budgets
 *   ChatTransport     the provider's wire (llm.openai, llm.anthropic): one attempt
 * </pre>
 *
 * <p>Each layer does one job and is tested alone. A provider adds a transport and nothing here.
 */
package io.github.selfreflect.reflect.llm.chain;
