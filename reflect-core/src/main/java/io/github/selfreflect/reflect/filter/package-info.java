/**
 * Quality filters: the checks that keep a reflection out of {@code sft.jsonl} and {@code
 * preference.jsonl} when it would not make better training data (an unchanged answer, an empty or
 * absurdly sized one, a new refusal, a pair already written). A filtered target stays in {@code
 * reflections.jsonl} with its reason, and the manifest counts each reason.
 * {@link io.github.selfreflect.reflect.filter.QualityFilter} applies them;
 * {@link io.github.selfreflect.reflect.filter.FilterSettings} switches them.
 */
package io.github.selfreflect.reflect.filter;
