// Plays the LLM: it answers the review.mustache layout, whose user message ends "Review turn(s) N."
import groovy.json.JsonOutput
import io.github.selfreflect.reflect.maven.it.ItServers

ItServers.start(basedir, { body ->
  def user = body.get('messages').find { it.get('role').asText() == 'user' }.get('content').asText()
  def m = (user =~ /Review turn\(s\) ([0-9, and]+)\.$/)
  assert m.find() : "no target sentence in ${user}"
  def turns = m.group(1).split(/[^0-9]+/).findAll { it }.collect { it as int }
  JsonOutput.toJson([results: turns.collect { t ->
    [turn: t, critique: "Critique of turn ${t}.".toString(), verdict: 'revise',
     answer: "Answer for turn ${t}.".toString(), evidence: [t + 1]]
  }])
})
return true
