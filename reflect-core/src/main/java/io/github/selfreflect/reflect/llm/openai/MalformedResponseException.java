package io.github.selfreflect.reflect.llm.openai;

/**
 * A 2xx response the client cannot use: not JSON, or no choice in it. Retried, because such bodies
 * come from overloaded gateways and half-started model servers more often than from the model.
 */
final class MalformedResponseException extends Exception {

  MalformedResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
