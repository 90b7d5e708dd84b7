#!/usr/bin/env fsh
# retire-node.fsh OLD NEW: destroys the scratch-* datasets on OLD, moves every other dataset
# attached there to NEW, and waits until each is attached on NEW. Rehearse it against a copy of
# the cluster first, and read the plan:
#   fsh --rehearse examples/retire-node.fsh 10.0.0.1 10.0.0.2
if $# != 2 {
  echo "usage: retire-node.fsh OLD NEW (node id prefixes or hosts)"
  exit 2
}
for d in (datasets on $1 name 'scratch-*') {
  destroy $d --yes
  echo "destroyed $d.name"
}
let moving = datasets on $1 status attached
for d in $moving {
  move $d to $2
}
for d in $moving {
  wait $d attached on $2 timeout 2m
  echo "$d.name: attached on $2"
}
echo "retired $1: $moving.count moved"
