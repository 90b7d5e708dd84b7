# sandbox
# `certs check --live` against the sandbox: the handshake, the API, the node list.
let nodes = nodes
let checks = certs check --live --node-ip $nodes.0.host -o json
for c in $checks {
  if $c.check == "L1" { echo "$c.check $c.status $c.title" }
}
# expect: L1 pass TLS handshake
# expect: L1 pass control certificate
for c in $checks {
  if $c.status == "fail" { echo "unexpected: $c.check $c.message" }
}
echo done
# expect: done
