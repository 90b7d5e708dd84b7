# sandbox
# Issue 17: one way to show each unit. Records show sizes as tables do and bytes in JSON;
# lease expiry is a duration in text and seconds in JSON, under the key 'expires' everywhere.
let u = create units-one 2G on 10.0.0.3
# Attached first: the record is then always the same (the state's size shows as actual_size).
let w = wait units-one attached
dataset units-one
# expect: dataset_id:    *
# expect: name:          units-one
# expect: status:        *
# expect: size:          2G
# expect: primary:       *
# expect: node:          *
# expect: host:          10.0.0.3
# expect: attached_node: *
# expect: attached_host: *
# expect: path:          *
# expect: deleted:       false
# expect: metadata:
# expect:   name: units-one
# expect: actual_size:   2G
# expect: lease:         -
# expect: where:         *
# expect: since:         *
# expect: blockers:*
lease acquire units-one on 10.0.0.3 for 10m
# expect: dataset_id: *
# expect: name:       units-one
# expect: node_uuid:  *
# expect: host:       10.0.0.3
# expect: expires:    *m*
let d = dataset units-one
echo $d.size $d.lease.expires
# expect: 2147483648 ???
for l in (leases) { if $l.name == units-one { echo "leased for $l.expires s" } }
# expect: leased for ??? s
