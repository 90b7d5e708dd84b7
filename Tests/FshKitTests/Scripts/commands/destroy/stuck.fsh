# sandbox
# A leased destroy of a mounted volume: accepted, warned about, listed as deleting, and waited
# on truthfully (the lease holds because the volume is mounted on the holder).
let ds = create stuck-destroy 1G on 10.0.0.2
wait stuck-destroy attached
# expect: 'stuck-destroy' (*) is attached on * (10.0.0.2) at /flocker/*
let l = lease acquire stuck-destroy on 10.0.0.2 for 10m
let gone = destroy stuck-destroy --yes
# expect warning: where it is mounted: its agent keeps it mounted there until the lease is released or expires
echo $gone.status $gone.attached_host
# expect: deleting 10.0.0.2
sleep 1
for d in (datasets name stuck-destroy) { echo $d.status $d.deleted }
# expect: deleting true
try wait $ds deleted timeout 1s
echo $error.notes.0
# expect: it is deleted but still attached on * (10.0.0.2)
echo $error.notes.1
# expect: blocked: leased by node * (10.0.0.2) for another *, where it is mounted: its agent keeps a leased, mounted volume mounted
let r = lease release $ds
wait $ds deleted timeout 60s settle 2s
# expect: 'stuck-destroy' (*) is deleted: the state has not listed it for 2s while its node reports (the API cannot confirm that the volume was destroyed)
for d in (datasets name stuck-destroy) { echo listed $d.status }
for d in (datasets name stuck-destroy --deleted) { echo $d.status }
# expect: deleted
