/**
 * The OpenAI-compatible chat-completions wire ({@code reflect.provider=openai}): the transport,
 * the completion and error-body parsers, the {@code x-ratelimit-*} headers, and a ready-made client
 * for callers that want one.
 */
package io.github.selfreflect.reflect.llm.openai;
