#!/usr/bin/env fsh
# audit.fsh: live datasets sharing a name (Kubernetes would pick one silently), datasets
# stuck pending, and datasets without a name. Exits 1 when it finds a problem.
#   fsh examples/audit.fsh
let all = datasets
let problems = 0
for a in $all {
  for b in $all {
    if $a.name == $b.name and $a.dataset_id < $b.dataset_id {
      echo "duplicate name '$a.name': $a.dataset_id and $b.dataset_id"
      let problems = 1
    }
  }
  if $a.status == pending {
    echo "pending: '$a.name' ($a.dataset_id) configured on $a.node"
    let problems = 1
  }
  if not $a.name {
    echo "no name: $a.dataset_id (pods can only use it by datasetUUID)"
  }
}
if $problems == 0 { echo "audit: $all.count datasets, no duplicate names, none pending" }
exit $problems
