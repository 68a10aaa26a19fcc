import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.testing.FakeLlmServer
import java.time.Duration

// Faults for the first build, per target (K), so that they land the same way whatever the
// order of the requests: at most three per target, at most two unusable replies per target.
def server = ItServers.start(basedir)
def Fault = FakeLlmServer.Fault
def faults = [
    'Plan a day in Oslo.': [Fault.rateLimited(1), Fault.status(500), Fault.contentNotJson()],
    'Write a haiku about rain.': [Fault.rateLimited(), Fault.status(502), Fault.finishLength()],
    'How long should I boil spaghetti?': [Fault.status(503), Fault.disconnectMidBody(), Fault.truncatedBody()],
    'It came out mushy. The pack said 9 minutes.': [Fault.bodyNotJson(), Fault.emptyChoices(), Fault.slow(Duration.ofSeconds(3))],
    'Count the orders per customer.': [Fault.status(500), Fault.connectionReset()],
]
faults.each { k, list -> list.each { server.enqueueFaultFor(k, it) } }
return true
