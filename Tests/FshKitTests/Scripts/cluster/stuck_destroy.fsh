# sandbox
# A leased destroy: accepted, warned about, listed as deleting, and waited on truthfully.
let ds = create stuck-destroy 1G on 10.0.0.2
wait stuck-destroy attached
# expect: 'stuck-destroy' (*) is attached on * (10.0.0.2) at /flocker/*
let l = lease acquire stuck-destroy on 10.0.0.2 for 10m
let gone = destroy stuck-destroy --yes
# expect warning: nothing happens until the lease is released or expires
echo $gone.status $gone.attached_host
# expect: deleting 10.0.0.2
sleep 1
for d in (datasets name stuck-destroy) { echo $d.status $d.deleted }
# expect: deleting true
try wait $ds deleted timeout 1s
echo $error.notes.0
# expect: it is deleted but still attached on * (10.0.0.2)
echo $error.notes.1
# expect: blocked: leased by node * (10.0.0.2) for another *: its agent keeps the volume where it is
let r = lease release $ds
wait $ds deleted timeout 20s
# expect: 'stuck-destroy' (*) is deleted and gone from the state
for d in (datasets name stuck-destroy) { echo listed $d.status }
for d in (datasets name stuck-destroy --deleted) { echo $d.status }
# expect: deleted
