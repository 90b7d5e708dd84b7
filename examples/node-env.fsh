#!/usr/bin/env fsh
# node-env.fsh: for each node the control service knows, the environment file its kubelet
# needs (/etc/flocker/env), with the node's identity as a comment.
#   fsh examples/node-env.fsh
for n in (nodes) {
  echo "# ---- node $n.uuid ($n.host): /etc/flocker/env"
  env export --for kubernetes --format systemd
}
echo "# the same file on every node; the kubelet finds its node by matching its IP with the list above"
