package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.chat.format.ChatReaders;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The targets of a corpus, streamed in file order, each with the request that reflects it and
 * that request's cache key: what every pass of a run, {@code reflect:status} and pruning read.
 */
final class CorpusTargets implements ReflectPipeline.Corpus {

  private final CorpusRequest request;

  CorpusTargets(CorpusRequest request) {
    this.request = request;
  }

  @Override
  public void forEachTarget(InvalidRecordHandler onInvalid, ReflectPipeline.TargetVisitor visitor)
      throws IOException {
    Path chats = request.chatsDirectory();
    for (Path file : ChatFiles.list(chats)) {
      String name = ChatFiles.relativeName(chats, file);
      try (ConversationSource source = ChatReaders.open(file, name, onInvalid)) {
        while (source.hasNext()) {
          Conversation conversation = source.next();
          visitor.conversation(conversation);
          for (Target target : Targets.of(conversation)) {
            ChatRequest chatRequest;
            try {
              chatRequest =
                  new ChatRequest(
                      request.model(),
                      request
                          .template()
                          .render(
                              HindsightWindow.apply(
                                  conversation, target.index(), request.window()),
                              target.index()),
                      request.sampling(),
                      request.structuredOutput().planned(request.template()));
            } catch (PromptTooLongException e) {
              // Counted and reported by the visitor; every pass skips it the same way.
              visitor.tooLong(target, e.getMessage());
              continue;
            }
            visitor.target(target, chatRequest, request.key(chatRequest));
          }
        }
      }
    }
  }
}
