import io.github.selfreflect.reflect.maven.it.ItServers
import java.security.MessageDigest

def llm = ItServers.stop(basedir)
// Neither copy had a cache: each paid for the 5 targets.
assert llm.requestCount() == 10

def sha256 = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
['reproducible-1.0.zip', 'reproducible-1.0-reflect-cache.zip', 'reflect/sft.jsonl', 'reflect/preference.jsonl',
 'reflect/manifest.json', 'reflect/README.md', 'reflect/report.html'].each { name ->
  def a = new File(basedir, "a/target/${name}")
  def b = new File(basedir, "b/target/${name}")
  assert a.isFile() && b.isFile() : name
  println "reproducible ${name}: a=${sha256(a)} b=${sha256(b)}"
  assert sha256(a) == sha256(b) : "${name} differs between the two builds"
}

// The local caches hold the replies in arrival order, which threads decide; the released cache
// is in corpus order, so it does not depend on that.
def cacheA = new File(basedir, 'a/reflect-cache/v1/reflections.jsonl')
def cacheB = new File(basedir, 'b/reflect-cache/v1/reflections.jsonl')
println "local caches in the same order by chance: ${cacheA.bytes == cacheB.bytes}"
assert cacheA.readLines().toSorted() == cacheB.readLines().toSorted()

// maven-artifact-plugin agrees: every artifact of b equals the one a deployed.
def compare = new File(basedir, 'b/target/reproducible-1.0.buildcompare')
assert compare.isFile()
def result = compare.text
println result
assert result.contains('ko=0')
assert (result =~ /ok=(\d+)/)[0][1].toInteger() >= 4
return true
