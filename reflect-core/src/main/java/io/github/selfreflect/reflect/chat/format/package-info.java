/**
 * Readers for chat files: {@link io.github.selfreflect.reflect.chat.format.ChatFiles} finds them,
 * {@link io.github.selfreflect.reflect.chat.format.ChatReaders} streams each one as {@link
 * io.github.selfreflect.reflect.chat.Conversation}s.
 *
 * <p>Understood: ShareGPT ({@code conversations: [{from, value}]}, with LLaMA-Factory's {@code
 * system}, {@code function_call} and {@code observation}) and OpenAI chat ({@code messages: [{role,
 * content}]}, with content parts and tool calls), each as a JSON array or as JSON Lines. Everything
 * else in a record (tool schemas, preference pairs, images, labels) is ignored.
 */
package io.github.selfreflect.reflect.chat.format;
