# sandbox
# A dataset configured on a node that never reports: 'unknown', and wait/explain name the node.
let r = api POST /v1/configuration/datasets '{"primary": "0b4b2b44-2c06-4b7a-9d85-4a8e7e0b6b11", "maximum_size": 1073741824, "metadata": {"name": "ghost-node"}}'
let d = dataset ghost-node
echo "$d.status/$d.host/$d.attached_node"
# expect: unknown//
try wait ghost-node attached timeout 1s
echo $error.notes.0
# expect: it is not in the state: its configured node 0b4b2b44 is not reporting
echo $error.notes.1
# expect: blocked: its configured node 0b4b2b44 is not reporting: its dataset agent is stopped, or the cluster never knew this node
let e = explain ghost-node
echo $e.checks.1.status $e.checks.1.message
# expect: fail its configured node 0b4b2b44 is not reporting: *
destroy ghost-node --yes -o csv
# expect: dataset_id,name,status,*
# expect: *,ghost-node,deleting,*
try wait ghost-node deleted timeout 1s
echo $error.notes.0
# expect: it is deleted; its configured node 0b4b2b44 is not reporting, so the API cannot tell whether the volume was destroyed
for d in (datasets name ghost-node) { echo $d.status }
# expect: deleting
