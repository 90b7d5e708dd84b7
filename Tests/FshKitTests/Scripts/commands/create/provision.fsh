# The provisioning example of PRODUCT.md, against the sandbox.
# sandbox
let all = nodes
let node = 10.0.0.2
echo $all.count
# expect: 3
for app in web db cache {
  let ds = create "$app-data-$node" 1G on $node meta team=storage
  wait $ds attached timeout 30s
  echo "$app-data is $ds.status on $ds.host"
}
# expect: 'web-data-10.0.0.2' (*) is attached on * (10.0.0.2) at /flocker/*
# expect: web-data is pending on 10.0.0.2
# expect: 'db-data-10.0.0.2' (*) is attached on * (10.0.0.2) at /flocker/*
# expect: db-data is pending on 10.0.0.2
# expect: 'cache-data-10.0.0.2' (*) is attached on * (10.0.0.2) at /flocker/*
# expect: cache-data is pending on 10.0.0.2
for d in (datasets name '*-data-10.0.0.2' status attached) { echo $d.name $d.size }
# expect: cache-data-10.0.0.2 1073741824
# expect: db-data-10.0.0.2 1073741824
# expect: web-data-10.0.0.2 1073741824
create "web-data-$node" 1G on $node
# expect error: 22:8: a dataset named 'web-data-10.0.0.2' already exists
