package io.github.selfreflect.reflect.llm;

/**
 * The server refused the request with a status that retrying cannot fix: a bad request, a wrong or
 * missing API key, a model that does not exist (400, 401, 403, 404, 422 and other 4xx). The
 * request was sent exactly once. Callers can tell configuration mistakes (stop the build) from
 * transient trouble ({@link LlmRetriesExhaustedException}) by this type.
 */
public final class LlmRejectedException extends LlmException {

  /**
   * @param message names the endpoint, the status and the server's error message; no API key
   * @param status the HTTP status
   * @param errorType the {@code error.type} of an OpenAI error body, or null
   * @param errorCode the {@code error.code} of an OpenAI error body (as text), or null
   */
  public LlmRejectedException(String message, int status, String errorType, String errorCode) {
    super(message, LlmFailure.rejected(status, errorType, errorCode), null);
  }

  /**
   * A refusal that is not an error status: e.g. a model that declined to answer (its {@code kind}
   * says which), so that what is published names it.
   */
  public LlmRejectedException(String message, LlmFailure failure) {
    super(message, failure, null);
  }

  /** The server's {@code error.type}, e.g. {@code invalid_request_error}, or null. */
  public String errorType() {
    return failure().errorType();
  }

  /** The server's {@code error.code}, e.g. {@code model_not_found}, or null. */
  public String errorCode() {
    return failure().errorCode();
  }
}
