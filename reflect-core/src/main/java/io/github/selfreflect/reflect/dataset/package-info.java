/**
 * The dataset a build produces: {@link io.github.selfreflect.reflect.dataset.DatasetWriter}
 * writes {@code sft.jsonl}, {@code preference.jsonl}, {@code reflections.jsonl} and {@code
 * failures.jsonl}; {@link io.github.selfreflect.reflect.dataset.ManifestWriter} then writes {@code
 * manifest.json}, which lists every file with its SHA-256, size and record count.
 *
 * <p>All output is reproducible: UTF-8, {@code \n} line ends, keys in a fixed order, no
 * timestamps, host names or paths, so the same chats and the same cache give byte-identical
 * files. All files are written under a hidden partial name and renamed into place only when
 * complete.
 */
package io.github.selfreflect.reflect.dataset;
