def log = new File(basedir, 'build.log').text
assert log.contains('2 of 2 targets have no cached reflection and the build is offline')
assert log.contains('logs.jsonl:1 conversation trip-1 turn 1')
assert log =~ /logs\.jsonl:2 conversation \S+ turn 2/
assert !new File(basedir, 'target/reflect/sft.jsonl').exists()
return true
