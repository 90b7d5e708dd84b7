# sandbox
let ds = create lease-test 1G on 10.0.0.1
lease acquire lease-test on 10.0.0.1 for 10m -o json
# expect: {
# expect:   "dataset_id": "*",
# expect:   "name": "lease-test",
# expect:   "node_uuid": "*",
# expect:   "host": "10.0.0.1",
# expect:   "expires": 6*
# expect: }
try lease acquire lease-test on 10.0.0.2
echo $error.message
# expect: 'lease-test' is already leased by node * (10.0.0.1) for another *m
lease release lease-test -o csv
# expect: dataset_id,name,node_uuid,host,status
# expect: *,lease-test,*,10.0.0.1,released
lease acquire lease-test on 10.0.0.1 -o json
# expect: {
# expect:   "dataset_id": "*",
# expect:   "name": "lease-test",
# expect:   "node_uuid": "*",
# expect:   "host": "10.0.0.1",
# expect:   "expires": null
# expect: }
# A released lease that never expired is not shown as `expires: never`.
lease release lease-test
# expect: dataset_id: *
# expect: name:       lease-test
# expect: node_uuid:  *
# expect: host:       10.0.0.1
# expect: status:     released
lease release lease-test
# expect error: 32:1: *lease*
