package io.github.selfreflect.reflect.pipeline;

import java.util.Objects;

/**
 * How the request pass asks a template's questions: the reply format sent and how many targets
 * share a request. Neither changes what a target's reflection is keyed by.
 *
 * @param structuredOutput how the template's reply schema is sent ({@code reflect.structuredOutput})
 * @param targetsPerRequest the most targets of one conversation asked about in one request; 0
 *     for as many as the template takes ({@link
 *     io.github.selfreflect.reflect.prompt.PromptTemplate#maxTargetsPerRequest})
 */
public record PromptOptions(StructuredOutput structuredOutput, int targetsPerRequest) {

  /** {@code auto}, and as many targets per request as the template takes. */
  public static final PromptOptions DEFAULT = new PromptOptions(StructuredOutput.AUTO, 0);

  public PromptOptions {
    Objects.requireNonNull(structuredOutput, "structuredOutput");
    if (targetsPerRequest < 0) {
      throw new IllegalArgumentException(
          "targetsPerRequest must be 0 (as many as the template takes) or more, found "
              + targetsPerRequest);
    }
  }
}
