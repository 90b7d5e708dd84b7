# agent init writes what agent check passes; it never overwrites and never takes localhost.
# sandbox
try agent init --backend zfs --out "$HOME/agent.yml"
echo $error.message
# expect: cannot write agent.yml: control-service hostname '127.0.0.1' is the loopback: the node would register as 127.0.0.1
set host control.example.com
try agent init --backend aws region us-east-1 --out "$HOME/agent.yml"
echo $error.message
# expect: the aws backend needs 'zone', 'access_key_id', 'secret_access_key'
agent init --backend aws region us-east-1 zone us-east-1a access_key_id AKIAEXAMPLE secret_access_key not-shown --out "$HOME/agent.yml"
# expect: wrote */agent.yml (0600): aws, control service control.example.com:4524
let found = agent check "$HOME/agent.yml"
for f in $found { echo $f.level $f.key }
# expect: pass version
# expect: pass control-service.hostname
# expect: pass control-service.port
# expect: pass dataset.backend
# expect: pass dataset
# expect: pass file
agent init --backend zfs --out "$HOME/agent.yml"
# expect error: 20:1: '*/agent.yml' already exists; fsh never overwrites it
