package io.github.selfreflect.reflect.llm.chain;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.ChatTransport;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.llm.Sleeper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The layers a request passes through, assembled in one place and always in the same order
 * (see the package summary): {@link ReplyValidation}, {@link FormatStepDown}, then the bottom:
 * either {@link RetryLayer} with {@link Metering} over a provider's {@link ChatTransport}, or a
 * {@link ChatModel} that already is such a stack (a provider client built for a run's gate).
 * Layers that are not asked for are left out. Thread-safe: one stack serves every request of a run.
 */
public final class ChatStack implements ChatModel {

  private final List<ChatLayer> layers;

  private ChatStack(List<ChatLayer> layers) {
    this.layers = List.copyOf(layers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Sends a call through every layer. */
  public ChatResponse send(ChatCall call) throws LlmException {
    return new Link(0, call).proceed(call.request());
  }

  /** Sends a request that takes any reply. */
  @Override
  public ChatResponse complete(ChatRequest request) throws LlmException {
    return send(ChatCall.of(request));
  }

  private final class Link implements ChatLayer.Chain {
    private final int index;
    private final ChatCall call;

    Link(int index, ChatCall call) {
      this.index = index;
      this.call = call;
    }

    @Override
    public ChatCall call() {
      return call;
    }

    @Override
    public ChatResponse proceed(ChatRequest request) throws LlmException {
      if (index >= layers.size()) {
        throw new IllegalStateException("the last layer of a stack must not proceed");
      }
      ChatCall next = request == call.request() ? call : new ChatCall(request, call.check(), call.subject());
      return layers.get(index).intercept(new Link(index + 1, next));
    }
  }

  /** Chooses the layers; {@link #build} orders them. */
  public static final class Builder {
    private ReplyValidation validation;
    private FormatStepDown stepDown;
    private ChatLayer bottom;

    private Builder() {}

    /** Asks again while a reply fails its call's check, {@code maxAttempts} replies in all. */
    public Builder replyAttempts(int maxAttempts, ReplyValidation.Listener listener) {
      this.validation = new ReplyValidation(maxAttempts, listener);
      return this;
    }

    /** Steps the response format down when the endpoint refuses one ({@code auto}). */
    public Builder formatStepDown(boolean enabled, Consumer<String> warn) {
      this.stepDown = new FormatStepDown(enabled, warn);
      return this;
    }

    /**
     * The bottom: a provider's transport, every attempt through {@code gate}, retried under
     * {@code policy}.
     *
     * @param random the jitter's source (seeded in tests, so that delays repeat)
     */
    public Builder transport(
        ChatTransport transport,
        RequestGate gate,
        RetryPolicy policy,
        RetryListener retries,
        Sleeper sleeper,
        Random random) {
      Metering metering = new Metering(transport, gate, policy.maxRetryAfter());
      this.bottom =
          new RetryLayer(metering, transport.endpoint(), policy, retries, sleeper, random);
      return this;
    }

    /** The bottom: a model that retries and meters by itself, such as a provider client. */
    public Builder model(ChatModel model) {
      Objects.requireNonNull(model, "model");
      this.bottom = chain -> model.complete(chain.call().request());
      return this;
    }

    public ChatStack build() {
      if (bottom == null) {
        throw new IllegalStateException("a stack needs a transport or a model at the bottom");
      }
      List<ChatLayer> layers = new ArrayList<>();
      if (validation != null) {
        layers.add(validation);
      }
      if (stepDown != null) {
        layers.add(stepDown);
      }
      layers.add(bottom);
      return new ChatStack(layers);
    }
  }
}
