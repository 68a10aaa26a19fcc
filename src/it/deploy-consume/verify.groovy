import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.maven.it.LoopbackRepository
import java.security.MessageDigest

def llm = ItServers.stop(basedir)
def repo = LoopbackRepository.stop(basedir)
def log = LoopbackRepository.accessLog(basedir)

// The committed cache covers every target: nothing was paid for.
assert llm.requestCount() == 0

def sha256 = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
def sha1 = { File f -> MessageDigest.getInstance('SHA-1').digest(f.bytes).encodeHex().toString() }
def deployed = new File(repo, 'io/github/selfreflect/it/deploy-consume/1.0')
def built = new File(basedir, 'target')

// What was built is what the server holds, with the checksums Maven uploads beside it.
[
  'deploy-consume-1.0.zip': new File(built, 'deploy-consume-1.0.zip'),
  'deploy-consume-1.0-sft.jsonl': new File(built, 'reflect/sft.jsonl'),
  'deploy-consume-1.0-preference.jsonl': new File(built, 'reflect/preference.jsonl'),
  'deploy-consume-1.0-reflect-cache.zip': new File(built, 'deploy-consume-1.0-reflect-cache.zip'),
].each { name, file ->
  def onServer = new File(deployed, name)
  assert onServer.isFile() : "not deployed: ${name}"
  assert sha256(onServer) == sha256(file) : name
  assert new File(deployed, name + '.sha1').text.trim() == sha1(onServer)
  println "deployed ${name} sha256=${sha256(onServer)}"
}
assert new File(deployed, 'deploy-consume-1.0.pom').isFile()
assert new File(repo, 'io/github/selfreflect/it/deploy-consume/maven-metadata.xml').text.contains('<release>1.0</release>')
assert log =~ /"PUT \/io\/github\/selfreflect\/it\/deploy-consume\/1.0\/deploy-consume-1.0.zip HTTP\/1.1" 201/

// The consumer downloaded both from the server (not from a local copy) and got the same bytes.
assert log =~ /"GET \/io\/github\/selfreflect\/it\/deploy-consume\/1.0\/deploy-consume-1.0.zip HTTP\/1.1" 200/
assert log =~ /"GET \/io\/github\/selfreflect\/it\/deploy-consume\/1.0\/deploy-consume-1.0-sft.jsonl HTTP\/1.1" 200/
def deps = new File(basedir, 'consumer/target/deps')
assert sha256(new File(deps, 'deploy-consume-1.0.zip')) == sha256(new File(deployed, 'deploy-consume-1.0.zip'))
assert sha256(new File(deps, 'deploy-consume-1.0-sft.jsonl')) == sha256(new File(deployed, 'deploy-consume-1.0-sft.jsonl'))
assert new File(localRepositoryPath, 'io/github/selfreflect/it/deploy-consume/1.0/_remote.repositories').text.contains('>loopback=')
return true
