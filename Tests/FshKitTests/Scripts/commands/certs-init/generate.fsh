# certs init, control, user and node write flocker-ca's files (0600, never overwritten), and the
# set they make passes `certs check`.
let dir = "$HOME/ca"
let ca = certs init demo --dir $dir --key-bits 2048
echo "$ca.kind $ca.common_name"
# expect: certificateAuthority demo
let control = certs control 10.0.0.5 --ca-dir $dir --out $dir --key-bits 2048
echo $control.common_name
# expect: control-service
let user = certs user alice --ca-dir $dir --out $dir --key-bits 2048
echo "$user.common_name $user.cluster_uuid"
# expect: user-alice ????????-????-????-????-????????????
let node = certs node --ca-dir $dir --out "$dir/nodes" --key-bits 2048
echo $node.next_steps.2
# expect: install -m 0600 ????????-????-????-????-????????????.crt /etc/flocker/node.crt
if not try certs user alice --ca-dir $dir --out $dir --key-bits 2048 {
  echo $error.message
}
# expect: '*/ca/alice.crt' already exists; certificates and keys are never overwritten
set certs $dir
set user alice
set host 10.0.0.5
certs check --control "$dir/control-10.0.0.5.crt"
# expect: CHECK  STATUS  WHAT                 RESULT
# expect: C1     pass    files                cluster.crt, alice.crt and alice.key are readable; alice.key is 0600
# expect: C2     pass    CA certificate       cluster.crt: self-signed CA 'demo', cluster *
# expect: C3     pass    certificate and key  alice.crt (RSA 2048) and alice.key (PKCS#1 RSA) match
# expect: C4     pass    signed by CA         'alice.crt' is signed by 'demo', same cluster *
# expect: C5     pass    user certificate     CN 'user-alice' (API user alice), EKU clientAuth
# expect: C6     pass    validity             3 certificates are valid; the first expires on 20*
# expect: C7     pass    port and host        10.0.0.5:4523 (the REST API port)
# expect: C8     pass    control certificate  'control-10.0.0.5.crt' (X.509 v3) names DNS:control-service, IP:10.0.0.5; '10.0.0.5' matches
# expect: 8 passed, 0 warnings, 0 failed
# expect warning: keep cluster.key secret
# expect warning: each node needs its own certificate
