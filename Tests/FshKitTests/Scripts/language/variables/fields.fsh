# Captured results keep their structure.
let r = set
echo $r.0.name
# expect: output
echo $r.count
# expect: 7
echo $r.0.nope
# expect error: 7:6: 'r.0' has no field 'nope'
