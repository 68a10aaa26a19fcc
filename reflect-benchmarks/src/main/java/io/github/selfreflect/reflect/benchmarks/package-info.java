/**
 * Benchmarks: programs that print the figures the issues name (throughput, heap, ratios). Each
 * has a {@code main} and is run with {@code ./mvnw -q -pl reflect-benchmarks exec:java
 * -Dexec.mainClass=...}; none runs as part of the tests.
 */
package io.github.selfreflect.reflect.benchmarks;
