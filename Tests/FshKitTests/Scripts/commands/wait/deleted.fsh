# sandbox
let ds = create short-lived 1G on 10.0.0.1
# Attached first: whether the state reports it (with its actual_size) by the time of the destroy
# must not depend on how fast the machine is.
wait short-lived attached timeout 60s
# expect: 'short-lived' (*) is attached on * (10.0.0.1) at /flocker/*
destroy short-lived --yes -o json
# expect: {
# expect:   "dataset_id": "*",
# expect:   "name": "short-lived",
# expect:   "status": "delet*",
# expect:   "size": 1073741824,
# expect:   "primary": "*",
# expect:   "node": "*",
# expect:   "host": "10.0.0.1",
# expect:   "attached_node": *,
# expect:   "attached_host": *,
# expect:   "path": *,
# expect:   "deleted": true,
# expect:   "metadata": {
# expect:     "name": "short-lived"
# expect:   },
# expect:   "actual_size": 1073741824
# expect: }
api POST "/v1/configuration/datasets/$ds.dataset_id" '{"primary": "0b4b2b44-2c06-4b7a-9d85-4a8e7e0b6b11"}'
# expect error: 25:1: POST /v1/configuration/datasets/* answered HTTP 405: The dataset has been deleted.
