/**
 * The reflection cache: every reflection a model returned, kept so that it is never paid for
 * twice.
 *
 * <p>{@link io.github.selfreflect.reflect.cache.JsonlReflectionCache} stores it as {@code
 * <cacheDir>/v1/reflections.jsonl}, one record per line:
 *
 * <pre>{@code
 * {"key":"<sha256>","template":"seed","model":"gpt-4o","source":"a/b.jsonl","conversation":"c1",
 *  "turn":3,"verdict":"revise","critique":"...","answer":"...","reply":"<raw model reply>",
 *  "usage":{"prompt":120,"cached":0,"completion":80},"sum":"<16 hex>"}
 * }</pre>
 *
 * (shown wrapped; a record is one line). {@code source} and {@code conversation} may be null.
 * {@code sum} is the first 16 hex digits of the SHA-256 of the line's bytes with {@code
 * ,"sum":"..."} removed. A new format goes to a new folder ({@code v2}); a Reflect that finds only
 * a newer folder refuses to run rather than start an empty cache.
 */
package io.github.selfreflect.reflect.cache;
