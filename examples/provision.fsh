#!/usr/bin/env fsh
# provision.fsh APP NODE [SIZE]: the volumes an app needs, attached on one node.
#   fsh examples/provision.fsh shop 10.0.0.2 10G
if $# < 2 {
  echo "usage: provision.fsh APP NODE [SIZE]"
  exit 2
}
let size = 10G
if $# >= 3 { let size = $3 }
for part in data logs cache {
  let name = "$1-$part"
  if try dataset $name {
    echo "$name exists already"
  } else {
    let ds = create $name $size on $2 meta app=$1 part=$part
    wait $ds attached timeout 2m
    let ds = dataset $name
    echo "$name: $ds.status on $ds.host at $ds.path"
  }
}
