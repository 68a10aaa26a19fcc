import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers
import java.security.MessageDigest
import java.util.zip.ZipFile

def server = ItServers.stop(basedir)
// 5 targets reflected by the install build; the second build found them all in the cache.
assert server.requestCount() == 5

def sha256 = { bytes -> MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex().toString() }
def installed = new File(localRepositoryPath, 'io/github/selfreflect/it/training-data-package/1.0')
def artifact = { suffix -> new File(installed, "training-data-package-1.0${suffix}") }

// The packaging installs the zip as the main artifact, the two data files and the cache beside it.
['.pom', '.zip', '-sft.jsonl', '-preference.jsonl', '-reflect-cache.zip'].each {
  assert artifact(it).isFile() : "not installed: ${artifact(it)}"
}

def entries = { File zip -> new ZipFile(zip).withCloseable { z -> z.entries().toList().collect { it.name } } }
def entryBytes = { File zip, String name -> new ZipFile(zip).withCloseable { z -> z.getInputStream(z.getEntry(name)).bytes } }

// Entry order fixed (name order), every data file listed in the manifest, manifest and card.
def mainZip = artifact('.zip')
assert entries(mainZip) == ['README.md', 'failures.jsonl', 'manifest.json', 'preference.jsonl', 'reflections.jsonl', 'report.html', 'sft.jsonl']

// Timestamps from project.build.outputTimestamp (stored as UTC DOS time), no extra fields.
new ZipFile(mainZip).withCloseable { z ->
  z.entries().each { e ->
    assert e.timeLocal.toString() == '2026-11-24T10:20:30' : "${e.name}: ${e.timeLocal}"
    assert e.extra == null : "${e.name} has extra fields"
  }
}

// The manifest lists each data file with the digest of the bytes in the archive and attached.
def manifest = new JsonSlurper().parse(entryBytes(mainZip, 'manifest.json'))
['failures.jsonl', 'preference.jsonl', 'reflections.jsonl', 'report.html', 'sft.jsonl'].each {
  assert manifest.files[it].sha256 == sha256(entryBytes(mainZip, it))
}
assert sha256(artifact('-sft.jsonl').bytes) == manifest.files['sft.jsonl'].sha256
assert sha256(artifact('-preference.jsonl').bytes) == manifest.files['preference.jsonl'].sha256
assert manifest.counts.targets == 5

// Sources: every chat file by relative name and SHA-256; no path, no host of the fake server.
assert manifest.sources.keySet().toList() == ['logs.jsonl', 'support.json']
manifest.sources.each { name, source ->
  def file = new File(basedir, "src/main/chats/${name}")
  assert source.sha256 == sha256(file.bytes)
  assert source.bytes == file.length()
}
def manifestText = new String(entryBytes(mainZip, 'manifest.json'), 'UTF-8')
assert !manifestText.contains('127.0.0.1') && !manifestText.contains(basedir.path)

// The card: Hugging Face front matter, then the summary.
def card = new String(entryBytes(mainZip, 'README.md'), 'UTF-8')
assert card.startsWith('---\nlicense: cc-by-4.0\nlanguage:\n- en\n- de\npretty_name: "Package IT dataset"\n')
assert card.contains('size_categories:\n- n<1K\n')
assert card.contains('- config_name: sft\n  data_files:\n  - split: train\n    path: sft.jsonl\n  default: true\n')
assert card.contains('- config_name: preference\n')
assert card.contains('# Package IT dataset\n\nThe training-data packaging: generate, package, install.\n')
assert card.contains('| model | `fake-model` |')
assert card.contains('Made from 2 chat files')
// The quality filters ran with their defaults; the card counts what each left out, as the manifest does.
assert card.contains('## Quality filters\n')
manifest.filters.enabled.each { assert card.contains("| `${it}`") }
assert card.contains("| all | ${manifest.filters.excludedTotal} |")

// The released cache: the five reflections the dataset used, in one format-v1 file.
def cacheZip = artifact('-reflect-cache.zip')
assert entries(cacheZip) == ['v1/reflections.jsonl']
assert new String(entryBytes(cacheZip, 'v1/reflections.jsonl'), 'UTF-8').readLines().size() == 5

// Build 2, reflect.formats=sft: only the SFT file (and failures, report, manifest, card) is written and packed.
def sftOnly = new File(basedir, 'target/training-data-package-1.0.zip')
assert entries(sftOnly) == ['README.md', 'failures.jsonl', 'manifest.json', 'report.html', 'sft.jsonl']
def sftCard = new String(entryBytes(sftOnly, 'README.md'), 'UTF-8')
assert sftCard.contains('config_name: sft') && !sftCard.contains('config_name: preference')
assert !new File(basedir, 'target/sft-only/preference.jsonl').exists()
return true
