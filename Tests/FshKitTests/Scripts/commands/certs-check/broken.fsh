# A node certificate used as the API user's, dialled as localhost on the agent port: each check
# that fails says what to do, and the script stops with the list.
let dir = "$HOME/ca"
let ca = certs init broken --dir $dir --key-bits 2048
let control = certs control 10.0.0.5 --ca-dir $dir --out $dir --key-bits 2048
let node = certs node --ca-dir $dir --out $dir --key-bits 2048
set ca "$dir/cluster.crt"
set cert "$dir/${node.node_uuid}.crt"
set key "$dir/${node.node_uuid}.key"
set host localhost
set port 4524
certs check --control "$dir/control-10.0.0.5.crt"
# expect: CHECK  STATUS  WHAT                 RESULT
# expect: C1     pass    files                *
# expect: C2     pass    CA certificate       *
# expect: C3     pass    certificate and key  *
# expect: C4     pass    signed by CA         *
# expect: C5     fail    user certificate     '*.crt' has CN 'node-*': an agent (node) certificate; the REST API on 4523 rejects it
# expect:                                     fix: issue an API user certificate (`certs user NAME`, i.e. `flocker-ca create-api-certificate NAME`) and use its .crt and .key
# expect: C6     pass    validity             *
# expect: C7     fail    port and host        port 4524 (set) is the agents' port
# expect:                                     fix: the REST API listens on 4523: *
# expect: C8     fail    control certificate  host 'localhost' is not in 'control-10.0.0.5.crt' (DNS:control-service, IP:10.0.0.5); *
# expect:                                     fix: set FLOCKER_CONTROL_SERVICE_HOST to a name in the certificate, *
# expect: 5 passed, 0 warnings, 3 failed
# expect error: 12:1: 3 certificate checks failed (C5, C7, C8)
# expect warning: keep cluster.key secret
# expect warning: each node needs its own certificate
