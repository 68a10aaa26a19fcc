/**
 * Talking to models, provider-neutral: the request ({@link io.github.selfreflect.reflect.llm.ChatRequest},
 * whose canonical body is hashed into cache keys), the reply, the failures and what may be published
 * of them, the {@link io.github.selfreflect.reflect.llm.Provider} seam and the
 * {@link io.github.selfreflect.reflect.llm.ChatTransport} each provider implements, the settings a
 * transport is built from, and the run-wide pacing ({@link io.github.selfreflect.reflect.llm.AdaptiveRateLimiter},
 * {@link io.github.selfreflect.reflect.llm.RequestGate}). The layers a request passes through are in
 * {@code llm.chain}; each provider's wire is a package of its own ({@code llm.openai}, ...).
 */
package io.github.selfreflect.reflect.llm;
