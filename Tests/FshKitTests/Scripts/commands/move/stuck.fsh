# sandbox
# A move stuck behind a lease: fsh says where the dataset is, where it should be, and why.
let ds = create stuck-move 1G on 10.0.0.1
wait stuck-move attached
# expect: 'stuck-move' (*) is attached on * (10.0.0.1) at /flocker/*
let l = lease acquire stuck-move on 10.0.0.1
let m = move stuck-move to 10.0.0.2
# expect warning: 'stuck-move' is leased by node
echo $m.status $m.attached_host $m.host
# expect: moving 10.0.0.1 10.0.0.2
sleep 1
let d = dataset stuck-move
echo $d.status $d.attached_host $d.host $d.path
# expect: moving 10.0.0.1 10.0.0.2 /flocker/*
echo $d.lease.host $d.blockers.0.kind $d.blockers.0.host
# expect: 10.0.0.1 lease 10.0.0.1
echo $d.blockers.0.fix
# expect: release the lease: lease release stuck-move
datasets name stuck-move
# expect: DATASET*NAME*SIZE*STATUS*NODE*PATH
# expect: *stuck-move*1G*moving*(10.0.0.1) → *(10.0.0.2)*/flocker/*
try wait stuck-move attached timeout 1s
echo $error.message
# expect: dataset 'stuck-move' is not attached on * (10.0.0.2) after 1s
echo $error.notes.0
# expect: it is still attached on * (10.0.0.1), configured on * (10.0.0.2)
echo $error.notes.1
# expect: blocked: leased by node * (10.0.0.1) with no expiry, where it is mounted: its agent keeps a leased, mounted volume mounted
echo $error.notes.2
# expect: release the lease: lease release stuck-move
let e = explain stuck-move
echo $e.status $e.ok $e.checks.0.status $e.checks.2.status
# expect: moving false fail fail
echo $e.checks.0.fix
# expect: release the lease: lease release stuck-move
try lease acquire stuck-move on 10.0.0.3
echo $error.message
# expect: 'stuck-move' is already leased by node * (10.0.0.1) with no expiry
let r = lease release stuck-move
wait stuck-move attached on 10.0.0.2 timeout 20s
# expect: 'stuck-move' (*) is attached on * (10.0.0.2) at /flocker/*
let e = explain stuck-move
echo $e.ok $e.actual.host
# expect: true 10.0.0.2
