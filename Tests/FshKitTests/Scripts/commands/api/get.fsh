# sandbox
# `api PATH` means GET; a method is still taken in any case; a body needs POST.
let v = api /v1/version
echo $v.flocker
# expect: ?*
curl
# expect: curl --cacert * https://control-service:*/v1/version
let n = api state/nodes
echo $n.0.host
# expect: 10.0.0.?
let g = api get /v1/version
echo $g.flocker
# expect: ?*
try api /v1/version '{}'
echo $error.message
# expect: GET takes no body
try api POST
echo $error.message
# expect: 'api' needs PATH
