import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.testing.FakeLlmServer
import java.time.Duration

// A slow model: every reply takes 600 ms, so the build can be killed with replies in flight.
def server = ItServers.start(basedir)
60.times { server.enqueueFault(FakeLlmServer.Fault.slow(Duration.ofMillis(600))) }
return true
