def log = new File(basedir, 'build.log').text.replace('\r\n', '\n')

// Every goal and its reflect.* properties, from the plugin descriptor that help:describe reads
// (it includes the parameters a goal inherits from the shared base Mojo).
def descriptor = new groovy.xml.XmlSlurper().parse(new File(basedir, '../../classes/META-INF/maven/plugin.xml'))
def goals = [:]
descriptor.mojos.mojo.each { mojo ->
  def propertyOf = [:]
  mojo.configuration.children().each { propertyOf[it.name()] = it.text() }
  def params = mojo.parameters.parameter.findAll { propertyOf[it.name.text()]?.startsWith('${reflect.') }
  goals[mojo.goal.text()] = params.collectEntries { p ->
    [(propertyOf[p.name.text()] - '${' - '}'): p.since.text()]
  }
}
assert goals.keySet().containsAll(['generate', 'status', 'compact', 'package', 'evaluate']) : "goals: ${goals.keySet()}"

// The descriptor must hold every reflect.* property the sources declare, so that a parameter the
// descriptor lost (or a goal missing from it) fails here too.
def sourceDir = new File(basedir, '../../../src/main/java/io/github/selfreflect/reflect/maven')
def declared = sourceDir.listFiles().findAll { it.name.endsWith('Mojo.java') }.collectMany { source ->
  (source.text =~ /property = "(reflect\.[A-Za-z.]+)"/).collect { it[1] }
} as Set
def described = goals.values().collectMany { it.keySet() } as Set
assert declared.size() >= 30 : "found only ${declared}"
assert described == declared : "in the sources but not the descriptor: ${declared - described}; the reverse: ${described - declared}"
// The shared parameters reach every goal that reads chats and the cache.
['status', 'compact', 'generate'].each { goal ->
  ['reflect.chats', 'reflect.cacheDirectory', 'reflect.model', 'reflect.window',
   'reflect.maxCompletionTokens', 'reflect.skip',
   // what shapes a prompt shapes its cache key: status and compact must see it as generate does
   'reflect.template', 'reflect.templateFile', 'reflect.maxPromptTokens',
   'reflect.structuredOutput', 'reflect.provider', 'reflect.targetsPerRequest'].each { property ->
    assert goals[goal].containsKey(property) : "reflect:${goal} lacks ${property}"
  }
}
// status and compact send nothing: no endpoint, key, pace or budget parameter to ignore.
['status', 'compact'].each { goal ->
  ['reflect.baseUrl', 'reflect.serverId', 'reflect.apiKeyEnvironmentVariable', 'reflect.concurrency',
   'reflect.maxRetries', 'reflect.timeout', 'reflect.offline', 'reflect.maxRequests',
   'reflect.outputDirectory'].each { property ->
    assert !goals[goal].containsKey(property) : "reflect:${goal} lists ${property}, which it would ignore"
  }
}
// reflect:evaluate reads the dataset, not the chats, and has the judge's options.
['reflect.cacheDirectory', 'reflect.evaluate.model', 'reflect.evaluate.sample', 'reflect.evaluate.seed',
 'reflect.evaluate.skip', 'reflect.skip', 'reflect.model', 'reflect.evaluate.baseUrl',
 'reflect.evaluate.serverId', 'reflect.evaluate.apiKeyEnvironmentVariable',
 'reflect.evaluate.temperature', 'reflect.evaluate.provider', 'reflect.maxRequests', 'reflect.maxTokens',
 'reflect.onBudget', 'reflect.pricing'].each { property ->
  assert goals['evaluate'].containsKey(property) : "reflect:evaluate lacks ${property}"
}
// The goals that send requests share how they reach the model (declared once, in the base Mojo
// for goals that talk to an LLM).
def clientProperties = ['reflect.outputDirectory', 'reflect.cacheDirectory', 'reflect.baseUrl', 'reflect.maxRequests',
    'reflect.maxTokens', 'reflect.onBudget', 'reflect.maxRequestsPerMinute', 'reflect.pricing',
    'reflect.serverId', 'reflect.apiKeyEnvironmentVariable', 'reflect.offline', 'reflect.concurrency',
    'reflect.maxReplyAttempts', 'reflect.maxRetries', 'reflect.timeout']
['generate', 'evaluate'].each { goal ->
  clientProperties.each { property ->
    assert goals[goal].containsKey(property) : "reflect:${goal} lacks ${property}"
  }
}

// help:describe -Ddetail prints each goal as "reflect:<goal>" on a line of its own, then each
// parameter as its name, "User property: ...", its Javadoc, then a blank line.
def sections = [:]
def headers = (log =~ /(?m)^(?:\[INFO\] )?reflect:([a-z]+)$/)
def starts = []
while (headers.find()) {
  starts << [headers.group(1), headers.end()]
}
starts.eachWithIndex { entry, i ->
  int end = i + 1 < starts.size() ? starts[i + 1][1] : log.length()
  sections[entry[0]] = log.substring(entry[1], end)
}
assert sections.keySet().containsAll(goals.keySet()) : "help:describe listed ${sections.keySet()}"

def undocumented = []
def withoutSince = []
goals.each { goal, properties ->
  def section = sections[goal]
  properties.each { property, since ->
    if (since != '0.1.0') {
      withoutSince << "reflect:${goal} ${property}"
    }
    int at = section.indexOf("User property: ${property}\n")
    if (at < 0) {
      undocumented << "reflect:${goal} ${property} (not listed)"
      return
    }
    int start = section.indexOf('\n', at) + 1
    int end = section.indexOf('\n\n', start)
    def description = section.substring(start, end < 0 ? section.length() : end).trim()
    if (description.split(/\s+/).length < 3) {
      undocumented << "reflect:${goal} ${property} (no description)"
    }
  }
}
assert undocumented.isEmpty() : "help:describe does not document ${undocumented}"
// Declared once, the shared parameters read the same in both goals' help.
def helpOf = { goal, property ->
  def section = sections[goal]
  int start = section.indexOf('\n', section.indexOf("User property: ${property}\n")) + 1
  int end = section.indexOf('\n\n', start)
  section.substring(start, end < 0 ? section.length() : end).trim()
}
clientProperties.each { property ->
  assert helpOf('generate', property) == helpOf('evaluate', property) : "${property} reads differently in generate and evaluate"
}
// Empty by default, so that "set on purpose" can be told apart from "left alone": the default
// variable goes to OpenAI's API only.
assert !log.contains('apiKeyEnvironmentVariable (Default:') : 'reflect.apiKeyEnvironmentVariable has a default again'
assert helpOf('generate', 'reflect.apiKeyEnvironmentVariable').replaceAll(/\s+/, ' ')
    .contains('Empty (the default) means OPENAI_API_KEY, but only when the endpoint is https://api.openai.com')
assert helpOf('generate', 'reflect.timeout').replaceAll(/\s+/, ' ')
    .contains('from connecting to the last byte of the reply')
// help:describe does not print @since; the plugin descriptor it reads from carries it.
assert withoutSince.isEmpty() : "parameters without @since 0.1.0: ${withoutSince}"
return true
