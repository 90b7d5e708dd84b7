#!/usr/bin/env fsh
# drain.fsh NODE: moves every dataset off a node, each to the node with the fewest datasets,
# and waits until it is attached there. Run before taking a node down.
#   fsh examples/drain.fsh 10.0.0.3
if $# != 1 {
  echo "usage: drain.fsh NODE (an id prefix or a host)"
  exit 2
}
let src = none
for n in (nodes) {
  if $n.host == $1 or $n.uuid =~ "$1*" { let src = $n }
}
if $src == none {
  echo "no node '$1'"
  exit 1
}
let moved = 0
for d in (datasets on $src.uuid) {
  let best = none
  let fewest = 1000000000
  for n in (nodes) {
    if $n.uuid != $src.uuid and $n.datasets < $fewest {
      let best = $n
      let fewest = $n.datasets
    }
  }
  if $best == none {
    echo "no other node to move '$d.name' to"
    exit 1
  }
  move $d to $best.uuid
  wait $d attached on $best.uuid timeout 2m
  let moved = yes
}
if $moved == 0 { echo "nothing to move: $1 holds no datasets" }
echo "drained $src.host"
