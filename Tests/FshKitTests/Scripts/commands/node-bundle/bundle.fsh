# The done-when of issue 12: one folder per node that passes agent check and certs check --node,
# with the kubelet's environment, and no two bundles sharing a node UUID. (The sandbox's CA signs.)
# sandbox
set host control.example.com
let a = node bundle node-a --backend openstack region RegionOne auth_url https://keystone.example:5000/v3 username u password p --out "$HOME/node-a"
echo $a.files
# expect: cluster.crt node.crt node.key agent.yml env INSTALL.txt
let checked = agent check "$HOME/node-a/agent.yml"
echo $checked.count
# expect: 6
let certs = certs check --node "$HOME/node-a"
echo "certs check --node passed"
# expect: certs check --node passed
let b = node bundle node-b --backend openstack region RegionOne auth_url https://keystone.example:5000/v3 username u password p --out "$HOME/node-b" --key-bits 2048
if $a.node_uuid != $b.node_uuid { echo "distinct nodes" }
# expect: distinct nodes
try node bundle node-a --backend zfs --out "$HOME/node-a2"
echo $error.message
# expect: node 'node-a' already has a bundle (node *)
try node bundle node-c --backend zfs --out "$HOME/node-a"
echo $error.message
# expect: '*/node-a' already exists; fsh never overwrites a bundle
node bundle node-c --backend aws region us-east-1 zone us-east-1a access_key_id A secret_access_key S --out "$HOME/node-c" --tar --key-bits 2048
# expect: bundle 'node-c' for node * in */node-c.tar:
# expect:   cluster.crt  0644  cluster CA certificate (never cluster.key)
# expect:   node.crt     0600  node certificate, CN node-*
# expect:   node.key     0600  node private key
# expect:   agent.yml    0600  agent configuration (aws, control.example.com:4524)
# expect:   env          0644  kubelet environment (EnvironmentFile=/etc/flocker/env)
# expect:   INSTALL.txt  0644  how to install it on the node
# expect: next: copy it to the node and follow INSTALL.txt
